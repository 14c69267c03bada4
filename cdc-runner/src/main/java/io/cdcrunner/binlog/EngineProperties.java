package io.cdcrunner.binlog;

import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.StringJoiner;

import io.cdcrunner.source.SourceAccess;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.config.SourceSettings;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.state.StateStore;

/** Translates the daemon's configuration into the embedded Debezium engine's properties. */
public final class EngineProperties {

    private static final Map<ServerFlavor, String> CONNECTORS = Map.of(
            ServerFlavor.MARIADB, PromptMariaDbConnector.class.getName(),
            ServerFlavor.MYSQL, PromptMySqlConnector.class.getName());

    /**
     * The connector property that carries {@code engine.max.queue.bytes} to the daemon's connector task, which bounds
     * its queue by bytes itself (see {@link PromptPolling}); a Kafka Connect worker running that connector reads it too.
     */
    public static final String MAX_QUEUE_BYTES = PromptPolling.MAX_QUEUE_BYTES;

    private EngineProperties() {
    }

    /** The connector class the daemon runs for a flavor: Debezium's, with the daemon's fixes (see its Javadoc). */
    public static String connectorClass(ServerFlavor flavor) {
        return CONNECTORS.get(flavor);
    }

    public static Properties build(RunnerConfig config, ServerFlavor flavor, StateStore state, SnapshotMode mode) {
        SourceSettings source = config.source();
        Properties p = new Properties();
        p.setProperty("name", config.pipelineName());
        p.setProperty("connector.class", CONNECTORS.get(flavor));
        p.setProperty("topic.prefix", config.pipelineName());

        state.configureEngine(p);
        p.setProperty("offset.flush.interval.ms", String.valueOf(config.offsetFlushInterval().toMillis()));
        // A statement the parser cannot read must not stop the engine when it is outside the capture; the daemon
        // sees every skip (SkippedStatementFilter) and stops or reloads the definitions when a captured table is involved.
        p.setProperty("schema.history.internal.skip.unparseable.ddl", "true");

        SourceAccess.of(source).engineProperties(flavor).forEach(p::setProperty);
        p.setProperty("database.server.id", String.valueOf(source.serverId()));
        p.setProperty("connect.timeout.ms", String.valueOf(source.connectTimeout().toMillis()));
        if (!source.databases().isEmpty()) {
            p.setProperty("database.include.list", String.join(",", source.databases()));
        }
        if (!source.tables().isEmpty()) {
            p.setProperty("table.include.list", String.join(",", source.tables()));
        }

        p.setProperty("snapshot.mode", mode.debeziumName());
        // DROP TABLE and DROP DATABASE reach the daemon only as schema-change records (see schema.TableEvents).
        p.setProperty("include.schema.changes", String.valueOf(source.operations().contains(Operation.DROP)));
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("skipped.operations", skippedOperations(source.operations()));
        // Lets a busy server with idle captured tables still move the recorded offset forward.
        p.setProperty("heartbeat.interval.ms", "5000");
        // Notice a dead binlog connection (server restarted) within seconds rather than the default minute.
        p.setProperty("connect.keep.alive.interval.ms", "3000");

        p.setProperty("poll.interval.ms", String.valueOf(config.engine().pollInterval().toMillis()));
        p.setProperty("max.batch.size", String.valueOf(config.engine().maxBatchSize()));
        p.setProperty("max.queue.size", String.valueOf(config.engine().maxQueueSize()));
        // Read by the daemon's own queue bound (PromptPolling), not by Debezium's max.queue.size.in.bytes.
        p.setProperty(MAX_QUEUE_BYTES, String.valueOf(config.engine().maxQueueBytes()));

        RecordMapper.connectorProperties().forEach(p::setProperty);
        config.debeziumOverrides().forEach(p::setProperty);
        return p;
    }

    /** Debezium's skipped.operations codes for the operations the pipeline does not deliver. */
    public static String skippedOperations(Set<Operation> delivered) {
        StringJoiner skipped = new StringJoiner(",");
        if (!delivered.contains(Operation.UPDATE)) {
            skipped.add("u");
        }
        if (!delivered.contains(Operation.DELETE)) {
            skipped.add("d");
        }
        if (!delivered.contains(Operation.TRUNCATE)) {
            skipped.add("t");
        }
        return skipped.length() == 0 ? "none" : skipped.toString();
    }
}
