package io.cdcrunner.binlog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.connect.source.SourceRecord;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.localdb.LocalServer;
import io.cdcrunner.mapping.RecordMapper;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;

/**
 * A bare Debezium engine (Debezium's own connector for the server's flavor) on a {@link LocalServer} that keeps
 * every record it delivers, for tests that look at what Debezium produces. Records are appended from the engine thread and read from the test thread.
 */
final class CapturingEngine implements AutoCloseable {

    private final List<SourceRecord> records = new CopyOnWriteArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-debezium"));
    private final DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private final Path workDir;

    CapturingEngine(LocalServer db, String user, String password, String database, Map<String, String> extra)
            throws IOException {
        workDir = Files.createTempDirectory("cdc-runner-engine-");
        Properties props = new Properties();
        props.setProperty("name", "type-mapping-test");
        props.setProperty("connector.class", db.flavor() == Flavor.MYSQL ? "io.debezium.connector.mysql.MySqlConnector"
                : "io.debezium.connector.mariadb.MariaDbConnector");
        props.setProperty("database.hostname", db.host());
        props.setProperty("database.port", Integer.toString(db.port()));
        props.setProperty("database.user", user);
        props.setProperty("database.password", password);
        props.setProperty("database.server.id", "5501");
        props.setProperty("database.include.list", database);
        props.setProperty("topic.prefix", "test");
        props.setProperty("snapshot.mode", "no_data");
        props.setProperty("include.schema.changes", "false");
        props.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        props.setProperty("offset.flush.interval.ms", "60000");
        props.setProperty("schema.history.internal", "io.debezium.storage.file.history.FileSchemaHistory");
        props.setProperty("schema.history.internal.file.filename", workDir.resolve("history.dat").toString());
        props.setProperty("poll.interval.ms", "10");
        props.putAll(RecordMapper.connectorProperties());
        props.putAll(extra);
        engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(props)
                .using((success, message, error) -> {
                    if (!success) {
                        failure.compareAndSet(null, error != null ? error : new IllegalStateException(message));
                    }
                })
                .notifying(event -> records.add(event.record()))
                .build();
        executor.execute(engine);
    }

    /** Every record delivered so far, oldest first. */
    List<SourceRecord> records() {
        Throwable error = failure.get();
        if (error != null) {
            throw new IllegalStateException("Debezium engine failed: " + error.getMessage(), error);
        }
        return new ArrayList<>(records);
    }

    @Override
    public void close() throws IOException {
        try {
            engine.close();
        } finally {
            executor.shutdown();
            try {
                executor.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try (var paths = Files.walk(workDir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
