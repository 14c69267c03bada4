package io.cdcrunner.bench;

import java.io.IOException;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.mapping.RecordMapper;
import io.cdcrunner.source.ServerInfo.BinlogPosition;
import io.cdcrunner.binlog.OffsetFileStore;
import io.cdcrunner.binlog.OffsetSeeder;
import io.cdcrunner.state.StateDirectory;
import io.debezium.embedded.Connect;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.engine.format.Json;

/**
 * The baseline: Debezium's embedded engine with the MariaDB connector and a consumer that does nothing but
 * hand each inserted row's id to a {@link RowSink} and mark the record processed.
 *
 * <p>It starts exactly as the daemon does on a first start: the offsets file is seeded with a binlog position
 * and the connector runs with {@code snapshot.mode=recovery} (schema only, then stream from the offsets). The
 * connector settings are the daemon's value-conversion settings ({@link RecordMapper#connectorProperties()}),
 * so both read the same rows the same way; only what happens after the engine hands over a batch differs.
 */
final class BareEngine implements AutoCloseable {

    /** Told about each inserted row, on the engine's thread. */
    @FunctionalInterface
    interface RowSink {
        void row(long id, long nanoTime);
    }

    /** Told how many change records of the table each batch held, on the engine's thread, after the batch. */
    @FunctionalInterface
    interface BatchSink {
        void batch(int changes, long nanoTime);
    }

    private final DebeziumEngine<?> engine;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "bare-engine"));
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    BareEngine(Source source, String name, String table, StateDirectory state, BinlogPosition start,
               EngineTuning tuning, long serverId, RowSink sink) {
        this(source, name, table, state, start, tuning, serverId, idConsumer(sink));
    }

    /**
     * The no-op consumer: counts the table's change records per batch and marks them processed. With
     * {@code json}, the engine hands over records in Debezium's JSON format (its defaults, schemas included),
     * as {@code DebeziumEngine.create(Json.class)} does; otherwise as Connect records, with no conversion.
     */
    BareEngine(Source source, String name, String table, StateDirectory state, BinlogPosition start,
               EngineTuning tuning, long serverId, boolean json, BatchSink sink) {
        String topic = name + "." + Source.DATABASE + "." + table;
        Properties p = properties(source, name, table, state, start, tuning, serverId);
        engine = json
                ? DebeziumEngine.create(Json.class).using(p).notifying(jsonCountingConsumer(topic, sink))
                        .using(this::completed).build()
                : DebeziumEngine.create(ChangeEventFormat.of(Connect.class)).using(p)
                        .notifying(countingConsumer(topic, sink)).using(this::completed).build();
    }

    private BareEngine(Source source, String name, String table, StateDirectory state, BinlogPosition start,
                       EngineTuning tuning, long serverId, DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> consumer) {
        engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(properties(source, name, table, state, start, tuning, serverId))
                .notifying(consumer)
                .using(this::completed)
                .build();
    }

    private void completed(boolean success, String message, Throwable error) {
        if (!success) {
            failure.set(error != null ? error : new IllegalStateException(message));
        }
        done.countDown();
    }

    private static Properties properties(Source source, String name, String table, StateDirectory state,
                                         BinlogPosition start, EngineTuning tuning, long serverId) {
        OffsetSeeder.seedIfAbsent(state, name, name, start.file(), start.position(), start.gtidSet());
        Properties p = new Properties();
        p.setProperty("name", name);
        p.setProperty("connector.class", source.flavor() == Flavor.MYSQL ? "io.debezium.connector.mysql.MySqlConnector"
                : "io.debezium.connector.mariadb.MariaDbConnector");
        p.setProperty("topic.prefix", name);
        p.setProperty("offset.storage", OffsetFileStore.class.getName());
        p.setProperty(OffsetFileStore.FILE_PROPERTY, state.offsetsFile().toString());
        p.setProperty("offset.flush.interval.ms", "1000");
        p.setProperty("schema.history.internal", "io.debezium.storage.file.history.FileSchemaHistory");
        p.setProperty("schema.history.internal.file.filename", state.schemaHistoryFile().toString());
        p.setProperty("database.hostname", source.host());
        p.setProperty("database.port", String.valueOf(source.port()));
        p.setProperty("database.user", source.user());
        p.setProperty("database.password", source.password());
        p.setProperty("database.server.id", String.valueOf(serverId));
        p.setProperty("table.include.list", Source.DATABASE + "." + table);
        p.setProperty("snapshot.mode", "recovery");
        p.setProperty("include.schema.changes", "false");
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("poll.interval.ms", String.valueOf(tuning.pollIntervalMs()));
        p.setProperty("max.batch.size", String.valueOf(tuning.maxBatchSize()));
        p.setProperty("max.queue.size", String.valueOf(tuning.maxQueueSize()));
        RecordMapper.connectorProperties().forEach(p::setProperty);
        return p;
    }

    private static DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> idConsumer(RowSink sink) {
        return (records, committer) -> {
            for (RecordChangeEvent<SourceRecord> change : records) {
                if (change.record().value() instanceof Struct envelope
                        && envelope.schema().field("after") != null
                        && envelope.get("after") instanceof Struct after) {
                    sink.row(((Number) after.get("id")).longValue(), System.nanoTime());
                }
                committer.markProcessed(change);
            }
            committer.markBatchFinished();
        };
    }

    private static DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> countingConsumer(String topic,
                                                                                                   BatchSink sink) {
        return (records, committer) -> {
            int changes = 0;
            for (RecordChangeEvent<SourceRecord> change : records) {
                if (change.record().value() != null && topic.equals(change.record().topic())) {
                    changes++;
                }
                committer.markProcessed(change);
            }
            committer.markBatchFinished();
            sink.batch(changes, System.nanoTime());
        };
    }

    private static DebeziumEngine.ChangeConsumer<ChangeEvent<String, String>> jsonCountingConsumer(String topic,
                                                                                                   BatchSink sink) {
        return (records, committer) -> {
            int changes = 0;
            for (ChangeEvent<String, String> change : records) {
                if (change.value() != null && topic.equals(change.destination())) {
                    changes++;
                }
                committer.markProcessed(change);
            }
            committer.markBatchFinished();
            sink.batch(changes, System.nanoTime());
        };
    }

    void start() {
        thread.execute(engine);
    }

    /** The error the engine stopped with, if any. */
    Throwable failure() {
        return failure.get();
    }

    @Override
    public void close() throws IOException {
        engine.close();
        try {
            done.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            thread.shutdownNow();
        }
    }
}
