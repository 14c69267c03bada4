package io.cdcrunner.kafka;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import io.cdcrunner.debezium.Connectors;
import io.cdcrunner.mapping.RecordMapper;
import io.cdcrunner.debezium.SeededStartSnapshotter;
import io.cdcrunner.config.KafkaSettings;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.config.SourceSettings;
import io.cdcrunner.config.StartFrom;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.source.SourceAccess;

/**
 * The Kafka Connect connector whose topics a {@code source.type=kafka} pipeline consumes, as the daemon needs it:
 * the connector class of the server's flavor, the mapping properties the event model depends on, JSON converters
 * with schemas that keep nulls null, the topic partitions, and (with {@code processor.ordering.column}) routing of
 * one ordering key to one partition. {@code cdc-runner connector-config} prints it; {@code check} compares a running
 * connector with it.
 *
 * <p>Passwords are never written out: each is the placeholder of a Connect config provider reading the worker's
 * environment ({@value #PASSWORD_PLACEHOLDER} for the source password).
 */
public final class ConnectorConfig {

    /** Stands for the source password: the worker resolves it with its {@code env} config provider. */
    public static final String PASSWORD_PLACEHOLDER = "${env:CDC_SOURCE_PASSWORD}";
    static final String ROUTING = "cdcrunner_route";

    private ConnectorConfig() {
    }

    /** The connector's configuration (without its name), keys sorted. */
    public static Map<String, String> of(RunnerConfig config, ServerFlavor flavor) {
        SourceSettings source = config.source();
        KafkaSettings kafka = config.kafka();
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", Connectors.connectorClass(flavor));
        // One binlog reader: a MySQL/MariaDB connector never runs more than one task.
        c.put("tasks.max", "1");
        c.put("topic.prefix", config.pipelineName());
        SourceAccess.of(source).engineProperties(flavor).forEach((key, value) ->
                c.put(key, isSecret(key) ? placeholder(key) : value));
        c.put("database.server.id", String.valueOf(source.serverId()));
        c.put("connect.timeout.ms", String.valueOf(source.connectTimeout().toMillis()));
        if (!source.databases().isEmpty()) {
            c.put("database.include.list", String.join(",", source.databases()));
        }
        if (!source.tables().isEmpty()) {
            c.put("table.include.list", String.join(",", source.tables()));
        }
        if (source.start() == StartFrom.SNAPSHOT) {
            // An initial snapshot interrupted before its first offset flush is taken again: nothing is skipped.
            c.put("snapshot.mode", "initial");
        } else {
            // no_data, streaming from the position connector-config --apply seeds before the task first runs.
            c.put("snapshot.mode", "custom");
            c.put("snapshot.mode.custom.name", SeededStartSnapshotter.NAME);
        }
        // The pipeline consumes the row-change topics only: DROP events are not delivered from Kafka.
        c.put("include.schema.changes", "false");
        c.put("tombstones.on.delete", "false");
        // Table events are not delivered from Kafka: a TRUNCATE lands on one partition, unordered against the
        // rows of the others (see KafkaSource.rowOperations).
        c.put("skipped.operations", Connectors.skippedOperations(KafkaSource.rowOperations(source.operations())));
        c.put("heartbeat.interval.ms", "5000");
        c.put("connect.keep.alive.interval.ms", "3000");
        // As the embedded engine: how long a batch gathers events, and how many (and how many bytes) it holds.
        c.put("poll.interval.ms", String.valueOf(config.engine().pollInterval().toMillis()));
        c.put("max.batch.size", String.valueOf(config.engine().maxBatchSize()));
        c.put("max.queue.size", String.valueOf(config.engine().maxQueueSize()));
        c.put(Connectors.MAX_QUEUE_BYTES, String.valueOf(config.engine().maxQueueBytes()));
        c.put("schema.history.internal.kafka.bootstrap.servers", kafka.bootstrapServers());
        // No dot after the prefix: the history is not a change topic (pipeline.name.database.table).
        c.put("schema.history.internal.kafka.topic", config.pipelineName() + "-schema-history");
        c.put("schema.history.internal.skip.unparseable.ddl", "true");
        c.put("topic.creation.default.partitions", String.valueOf(kafka.partitions()));
        c.put("topic.creation.default.replication.factor", "-1");
        for (String side : new String[] {"key", "value"}) {
            c.put(side + ".converter", "org.apache.kafka.connect.json.JsonConverter");
            c.put(side + ".converter.schemas.enable", "true");
            // Connect's JSON converter writes a column's default in place of a NULL unless told not to.
            c.put(side + ".converter.replace.null.with.default", "false");
        }
        config.delivery().orderingColumn().ifPresent(column -> {
            // One ordering key, one partition: the key's order is the partition's.
            c.put("transforms", ROUTING);
            c.put("transforms." + ROUTING + ".type", "io.debezium.transforms.partitions.PartitionRouting");
            c.put("transforms." + ROUTING + ".partition.payload.fields", "change." + column);
            c.put("transforms." + ROUTING + ".partition.topic.num", String.valueOf(kafka.partitions()));
            c.put("transforms." + ROUTING + ".partition.hash.function", "murmur");
        });
        RecordMapper.connectorProperties().forEach(c::put);
        config.debeziumOverrides().forEach((key, value) -> c.put(key, isSecret(key) ? placeholder(key) : value));
        return new TreeMap<>(c);
    }

    /** Whether the value of {@code key} is a placeholder, never compared with a running connector's. */
    public static boolean isSecret(String key) {
        return io.cdcrunner.config.KeyNames.looksSecret(key);
    }

    private static String placeholder(String key) {
        return key.equals("database.password") ? PASSWORD_PLACEHOLDER
                : "${env:CDC_" + key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT) + "}";
    }
}
