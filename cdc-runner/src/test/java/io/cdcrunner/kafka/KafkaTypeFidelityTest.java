package io.cdcrunner.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.binlog.AllTypesTable;
import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.deadletter.ChangeEventCodec;
import io.cdcrunner.delivery.ProcessedListener;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.pipeline.RecordingProcessor;
import io.cdcrunner.pipeline.TestPipelines;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.testdb.LocalTestDatabase;
import io.cdcrunner.testdb.TestDatabase;
import io.cdcrunner.testkit.KafkaTest;

/**
 * The same rows through the embedded engine and through a Kafka Connect worker, a Kafka topic and a
 * {@code source.type=kafka} pipeline: the events are equal value for value, type for type, NULLs of columns with
 * defaults included. Ids differ in form only: a record read from Kafka has no engine offset, so its id is the binlog
 * form, the embedded event's {@link ChangeEvent#positionEventId()}, where the embedded engine gives the GTID form.
 */
@KafkaTest
class KafkaTypeFidelityTest {

    private static final String DB = "kfid";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path temp;

    private static LocalTestDatabase db;
    private static ConnectCluster kafka;

    @BeforeAll
    static void start() {
        db = new LocalTestDatabase(Flavor.MARIADB);
        db.createCdcUser(TestPipelines.USER, TestPipelines.PASSWORD);
        db.execute("CREATE DATABASE " + DB + " CHARACTER SET utf8mb4", AllTypesTable.create(DB),
                "CREATE TABLE " + DB + ".extras (id INT PRIMARY KEY, u UUID, a4 INET4, a6 INET6,"
                        + " d DECIMAL(10,2) DEFAULT 1.50, s VARCHAR(10) DEFAULT 'dflt')");
        kafka = ConnectCluster.start("fidelity", 1, 1);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void everyTypeThroughConnectAndKafkaEqualsTheEmbeddedSourcesEvents() throws Exception {
        List<List<ChangeEvent>> both = bothWays(db, kafka, temp, ServerFlavor.MARIADB, DB, () -> {
            db.execute(AllTypesTable.inserts(DB));
            db.execute("INSERT INTO " + DB + ".extras VALUES (1, '123e4567-e89b-12d3-a456-426655440000',"
                            + " '192.168.0.1', '2001:db8::ff00:42:8329', NULL, NULL)",
                    "INSERT INTO " + DB + ".extras (id, u, a4, a6) VALUES (2, '00000000-0000-0000-0000-000000000000',"
                            + " '0.0.0.0', '::'), (3, 'ffffffff-ffff-ffff-ffff-ffffffffffff', NULL, NULL)",
                    "UPDATE " + DB + ".extras SET d = NULL, s = 'x' WHERE id = 2",
                    "DELETE FROM " + DB + ".extras WHERE id = 3");
        }, 4 + 3 + 1 + 1);
        List<ChangeEvent> kafkaEvents = both.get(0);
        AllTypesTable.assertRows(kafkaEvents.stream().filter(e -> e.table().equals("all_types")).toList());
        ChangeEvent nulls = kafkaEvents.stream().filter(e -> e.table().equals("extras")
                && e.row().getLong("id") == 1).findFirst().orElseThrow();
        assertThat(nulls.row().get("d")).as("NULL of a column with a default").isNull();
        assertThat(nulls.row().get("s")).isNull();
        assertThat(nulls.row().get("u")).isEqualTo(java.util.UUID.fromString("123e4567-e89b-12d3-a456-426655440000"));
        assertThat(nulls.row().get("a6")).isEqualTo("2001:db8::ff00:42:8329");
    }

    /**
     * Runs the connector (for {@code database}'s {@code all_types} and {@code extras} tables) with a
     * {@code source.type=kafka} pipeline, and an embedded pipeline beside it, has {@code writes} write
     * {@code expected} changes, and returns what each delivered of them, in binlog order: the Kafka pipeline's
     * first, after asserting both are equal value for value (as JSON, types tagged).
     */
    static List<List<ChangeEvent>> bothWays(TestDatabase db, ConnectCluster kafka, Path temp, ServerFlavor flavor,
                                            String database, Runnable writes, int expected) throws Exception {
        return bothWays(db, kafka, temp, flavor, database, Map.of(), writes, expected);
    }

    /** {@link #bothWays(TestDatabase, ConnectCluster, Path, ServerFlavor, String, Runnable, int)} with {@code more}
     * settings for both pipelines (and so for the connector). */
    static List<List<ChangeEvent>> bothWays(TestDatabase db, ConnectCluster kafka, Path temp, ServerFlavor flavor,
                                            String database, Map<String, String> more, Runnable writes, int expected)
            throws Exception {
        String name = database + "-kafka";
        Map<String, String> common = new HashMap<>(Map.of("source.tables", database + ".all_types," + database + ".extras",
                "source.operations", "insert,update,delete", "source.flavor", flavor.name().toLowerCase(java.util.Locale.ROOT)));
        common.putAll(more);
        Map<String, String> kafkaKeys = new HashMap<>(common);
        kafkaKeys.putAll(Map.of("pipeline.name", name, "source.type", "kafka",
                "kafka.bootstrap.servers", kafka.bootstrapServers(), "kafka.topic.partitions", "3",
                "deadletter.store", "io.cdcrunner.deadletter.JdbcDeadLetterStore"));
        RunnerConfig viaKafka = TestPipelines.config(db, Files.createDirectories(temp.resolve(name)), kafkaKeys);
        Map<String, String> embeddedKeys = new HashMap<>(common);
        embeddedKeys.put("pipeline.name", database + "-embedded");
        // A binlog reader of its own, beside the connector's.
        embeddedKeys.put("source.server.id", "184055");
        RunnerConfig embedded = TestPipelines.config(db, Files.createDirectories(temp.resolve(database + "-embedded")),
                embeddedKeys);
        RecordingProcessor.reset(viaKafka.pipelineName());
        RecordingProcessor.reset(embedded.pipelineName());

        kafka.deploy(viaKafka, flavor, TestPipelines.PASSWORD);
        try (Pipeline fromKafka = Pipelines.create(viaKafka, ProcessedListener.NONE);
             Pipeline fromBinlog = Pipelines.create(embedded)) {
            fromKafka.start();
            fromBinlog.start();
            // The connector streams from where the binlog ended when its task started: rows before that are not
            // its to deliver. A first row it delivers marks the start for both pipelines.
            java.util.concurrent.atomic.AtomicInteger probe = new java.util.concurrent.atomic.AtomicInteger();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).alias("a probe row through the connector")
                    .until(() -> {
                        db.execute("INSERT INTO " + database + ".extras (id) VALUES (" + probe.decrementAndGet() + ")");
                        return !RecordingProcessor.events(viaKafka.pipelineName()).isEmpty();
                    });
            String firstId = RecordingProcessor.events(viaKafka.pipelineName()).get(0).eventId();
            writes.run();
            await().atMost(WAIT).until(() -> after(RecordingProcessor.events(embedded.pipelineName()), firstId).size()
                    >= expected && after(RecordingProcessor.events(viaKafka.pipelineName()), firstId).size() >= expected
                    || fromKafka.state().isFinal() || fromBinlog.state().isFinal());
            assertThat(fromKafka.state()).isEqualTo(PipelineState.STREAMING);

            List<ChangeEvent> binlogEvents = after(RecordingProcessor.events(embedded.pipelineName()), firstId);
            List<ChangeEvent> kafkaEvents = after(RecordingProcessor.events(viaKafka.pipelineName()), firstId);
            // Partitions interleave the tables: compare in binlog order.
            assertThat(kafkaEvents).extracting(ChangeEvent::eventId)
                    .containsExactlyElementsOf(binlogEvents.stream().map(ChangeEvent::positionEventId).toList());
            assertThat(kafkaEvents).allSatisfy(e -> assertThat(e.position().transactionEvent()).isEqualTo(-1));
            assertThat(binlogEvents).allSatisfy(e -> assertThat(e.eventId()).isEqualTo(e.position().gtid() == null
                    ? e.positionEventId() : "gtid:" + e.position().gtid() + ":" + e.position().transactionEvent() + ":"
                    + e.position().row()));
            assertThat(json(kafkaEvents)).containsExactlyElementsOf(json(binlogEvents.stream()
                    .map(KafkaTypeFidelityTest::withoutEngineOffset).toList()));
            assertThat(kafkaEvents).hasSize(expected);
            return List.of(kafkaEvents, binlogEvents);
        }
    }

    /** The events at and after the one with {@code firstId}, in binlog order. */
    private static List<ChangeEvent> after(List<ChangeEvent> events, String firstId) {
        List<ChangeEvent> sorted = events.stream().sorted(Comparator.comparing((ChangeEvent e) -> e.position().binlogFile())
                .thenComparingLong(e -> e.position().binlogPosition()).thenComparingInt(e -> e.position().row())).toList();
        int start = 0;
        while (start < sorted.size() && !sorted.get(start).positionEventId().equals(firstId)) {
            start++;
        }
        return sorted.subList(Math.min(start, sorted.size()), sorted.size()).stream()
                .filter(e -> e.row().getLong("id") >= 0).toList();
    }

    /** The event as a record read from Kafka gives it: its index inside the transaction unknown. */
    private static ChangeEvent withoutEngineOffset(ChangeEvent event) {
        var p = event.position();
        return new ChangeEvent(event.operation(), event.database(), event.table(), event.key(), event.before(),
                event.after(), new io.cdcrunner.processor.SourcePosition(p.flavor(), p.serverId(), p.binlogFile(),
                        p.binlogPosition(), p.row(), p.gtid(), p.snapshot()), event.commitTime(), event.transactionId());
    }

    private static List<String> json(List<ChangeEvent> events) {
        return events.stream().map(ChangeEventCodec::toJson).toList();
    }
}
