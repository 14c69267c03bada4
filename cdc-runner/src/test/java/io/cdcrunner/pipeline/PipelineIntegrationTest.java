package io.cdcrunner.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.load.Pacer;
import io.cdcrunner.testdb.TestDatabase;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.ProcessorConfig;
import io.cdcrunner.processor.builtin.FamilyAggregateProcessor;
import io.cdcrunner.processor.builtin.FamilySettings;
import io.cdcrunner.testkit.DatabaseTest;

/** The daemon's pipeline end to end against a real database: what users rely on. Subclasses pick the server. */
@DatabaseTest
abstract class PipelineIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    private static TestDatabase db;
    private static HikariDataSource pool;

    @TempDir
    Path temp;

    /** Called by the subclass's {@code @BeforeAll}. */
    static void useDatabase(TestDatabase database) {
        db = database;
        db.createCdcUser(TestPipelines.USER, TestPipelines.PASSWORD);
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(db.jdbcUrl(""));
        hikari.setUsername(db.rootUser());
        hikari.setPassword(db.rootPassword());
        hikari.setMaximumPoolSize(10);
        pool = new HikariDataSource(hikari);
    }

    @AfterAll
    static void stopDatabase() {
        if (pool != null) {
            pool.close();
            pool = null;
        }
        if (db != null) {
            db.close();
            db = null;
        }
    }

    private static void createOrders(String database) {
        db.execute("CREATE DATABASE " + database,
                "CREATE TABLE " + database + ".orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, "
                        + "customer_id INT NOT NULL, amount DECIMAL(12,2) NOT NULL, note VARCHAR(40), "
                        + "KEY by_customer (customer_id))");
    }

    private Path stateDir(String name) throws Exception {
        return Files.createDirectories(temp.resolve(name));
    }

    @Test
    void everyInsertFromEightConcurrentWritersIsProcessedExactlyOnceAndSummariesAreExact() throws Exception {
        createOrders("bulk");
        Map<String, String> settings = Map.of(
                "pipeline.name", "bulk",
                "source.tables", "bulk.orders",
                "processor.class", FamilyAggregateProcessor.class.getName(),
                "processor.family.table", "bulk.orders",
                "processor.family.column", "customer_id",
                "processor.family.value.column", "amount",
                "processor.family.summary.table", "bulk.customer_totals");
        RunnerConfig config = TestPipelines.config(db, stateDir("bulk"), settings);
        Map<Long, AtomicInteger> timesProcessed = new ConcurrentHashMap<>();
        int writers = 8;
        int perWriter = 1_250;
        try (Pipeline pipeline = Pipelines.create(config, (event, nanos) ->
                timesProcessed.computeIfAbsent(event.row().getLong("id"), id -> new AtomicInteger()).incrementAndGet())) {
            pipeline.start();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                threads.add(startThread(() -> insertOrders("bulk", writer, perWriter, 0)));
            }
            for (Thread t : threads) {
                t.join();
            }
            int total = writers * perWriter;
            await().atMost(WAIT).until(() -> timesProcessed.size() >= total || pipeline.state().isFinal());
            assertThat(pipeline.state()).isEqualTo(PipelineState.STREAMING);
            pipeline.close();

            Set<Long> ids = ids("bulk");
            long duplicates = timesProcessed.values().stream().filter(n -> n.get() > 1).count();
            System.out.printf("[bulk] rows written %d, events processed %d, distinct %d, processed more than once %d%n",
                    ids.size(), pipeline.counters().processedCount(), timesProcessed.size(), duplicates);
            assertThat(ids).hasSize(total);
            assertThat(timesProcessed.keySet()).isEqualTo(ids);
            assertThat(duplicates).as("events processed twice in a run without faults").isZero();
            FamilySettings family = FamilySettings.from(new ProcessorConfig(config.processor().options()));
            assertThat(FamilyAggregateProcessor.mismatches(pool, family)).isEmpty();
        }
    }

    @Test
    void updatesAndDeletesAreIgnoredByDefault() throws Exception {
        createOrders("ops_default");
        RunnerConfig config = TestPipelines.config(db, stateDir("ops_default"),
                Map.of("pipeline.name", "ops_default", "source.tables", "ops_default.orders"));
        RecordingProcessor.reset("ops_default");
        try (Pipeline pipeline = Pipelines.create(config)) {
            pipeline.start();
            db.execute("INSERT INTO ops_default.orders (id, customer_id, amount) VALUES (1, 7, 10.00)",
                    "UPDATE ops_default.orders SET amount = 11.00 WHERE id = 1",
                    "DELETE FROM ops_default.orders WHERE id = 1",
                    "INSERT INTO ops_default.orders (id, customer_id, amount) VALUES (2, 7, 20.00)");
            List<ChangeEvent> events = RecordingProcessor.events("ops_default");
            await().atMost(WAIT).until(() -> events.size() >= 2);
            pipeline.close();
            assertThat(events).extracting(ChangeEvent::operation).containsExactly(Operation.INSERT, Operation.INSERT);
            assertThat(events).extracting(e -> e.row().getLong("id")).containsExactly(1L, 2L);
        }
    }

    @Test
    void updatesAndDeletesAreDeliveredWhenEnabled() throws Exception {
        createOrders("ops_all");
        RunnerConfig config = TestPipelines.config(db, stateDir("ops_all"), Map.of("pipeline.name", "ops_all",
                "source.tables", "ops_all.orders", "source.operations", "insert,update,delete"));
        RecordingProcessor.reset("ops_all");
        try (Pipeline pipeline = Pipelines.create(config)) {
            pipeline.start();
            db.execute("INSERT INTO ops_all.orders (id, customer_id, amount) VALUES (1, 7, 10.00)",
                    "UPDATE ops_all.orders SET amount = 11.00 WHERE id = 1",
                    "DELETE FROM ops_all.orders WHERE id = 1");
            List<ChangeEvent> events = RecordingProcessor.events("ops_all");
            await().atMost(WAIT).until(() -> events.size() >= 3);
            pipeline.close();
            assertThat(events).extracting(ChangeEvent::operation)
                    .containsExactly(Operation.INSERT, Operation.UPDATE, Operation.DELETE);
            ChangeEvent update = events.get(1);
            assertThat(update.before().getDecimal("amount")).isEqualByComparingTo("10.00");
            assertThat(update.after().getDecimal("amount")).isEqualByComparingTo("11.00");
            assertThat(events.get(2).before().getLong("id")).isEqualTo(1L);
            assertThat(events.get(2).after().isEmpty()).isTrue();
        }
    }

    @Test
    void stoppingMidStreamWhileWritesContinueLosesNothingAfterRestart() throws Exception {
        createOrders("restart");
        RunnerConfig config = TestPipelines.config(db, stateDir("restart"),
                Map.of("pipeline.name", "restart", "source.tables", "restart.orders"));
        RecordingProcessor.reset("restart");
        List<ChangeEvent> events = RecordingProcessor.events("restart");
        int total = 3_000;
        Thread writer;
        try (Pipeline first = Pipelines.create(config)) {
            first.start();
            writer = startThread(() -> insertOrders("restart", 0, total, 1_000));
            await().atMost(WAIT).until(() -> events.size() >= total / 3);
        }
        int beforeRestart = events.size();
        writer.join();
        try (Pipeline second = Pipelines.create(config)) {
            second.start();
            await().atMost(WAIT).until(() -> distinctIds(events).size() >= total || second.state().isFinal());
            second.close();
        }
        Set<Long> seen = distinctIds(events);
        System.out.printf("[restart] rows written %d, processed before stop %d, events delivered %d, "
                + "distinct %d, redelivered %d, lost %d%n", total, beforeRestart, events.size(), seen.size(),
                events.size() - seen.size(), ids("restart").size() - seen.size());
        assertThat(seen).isEqualTo(ids("restart"));
    }

    @Test
    void rowsCommittedAfterAStopThatCameBeforeAnyEventAreProcessedOnRestart() throws Exception {
        createOrders("idle");
        RunnerConfig config = TestPipelines.config(db, stateDir("idle"),
                Map.of("pipeline.name", "idle", "source.tables", "idle.orders"));
        RecordingProcessor.reset("idle");
        try (Pipeline first = Pipelines.create(config)) {
            first.start();
        }
        db.execute("INSERT INTO idle.orders (id, customer_id, amount) VALUES (1, 1, 1.00), (2, 1, 2.00)",
                "INSERT INTO idle.orders (id, customer_id, amount) VALUES (3, 2, 3.00)");
        List<ChangeEvent> events = RecordingProcessor.events("idle");
        assertThat(events).isEmpty();
        try (Pipeline second = Pipelines.create(config)) {
            second.start();
            await().atMost(WAIT).until(() -> events.size() >= 3);
        }
        assertThat(events).extracting(e -> e.row().getLong("id")).containsExactly(1L, 2L, 3L);
    }

    @Test
    void anInitialSnapshotDeliversTheRowsThereThenStreamsWithoutWaitingForANewWrite() throws Exception {
        createOrders("snap");
        insertOrders("snap", 0, 300, 0);
        RunnerConfig config = TestPipelines.config(db, stateDir("snap"), Map.of("pipeline.name", "snap",
                "source.tables", "snap.orders", "source.start", "snapshot"));
        RecordingProcessor.reset("snap");
        List<ChangeEvent> events = RecordingProcessor.events("snap");
        try (Pipeline pipeline = Pipelines.create(config)) {
            pipeline.start();
            await().atMost(WAIT).until(() -> events.size() >= 300 || pipeline.state().isFinal());
            assertThat(events).hasSize(300).allMatch(e -> e.position().snapshot());
            await().atMost(WAIT).until(() -> pipeline.state() != PipelineState.SNAPSHOTTING);
            assertThat(pipeline.state()).as("after the snapshot, before any new write").isEqualTo(PipelineState.STREAMING);
            insertOrders("snap", 1, 20, 0);
            await().atMost(WAIT).until(() -> events.size() >= 320 || pipeline.state().isFinal());
        }
        assertThat(distinctIds(events)).isEqualTo(ids("snap"));
        assertThat(events.subList(300, events.size())).hasSize(20).noneMatch(e -> e.position().snapshot());
    }

    @Test
    void inHaltModeAFailingProcessorStopsThePipelineAndARestartSkipsNothing() throws Exception {
        createOrders("halt");
        Path state = stateDir("halt");
        RecordingProcessor.reset("halt");
        List<ChangeEvent> events = RecordingProcessor.events("halt");
        RunnerConfig failing = TestPipelines.config(db, state, Map.of("pipeline.name", "halt",
                "source.tables", "halt.orders", "processor.fail.ids", "3", "processor.on.failure", "halt",
                "processor.retry.max.attempts", "2", "processor.retry.initial.backoff.ms", "10"));
        try (Pipeline pipeline = Pipelines.create(failing)) {
            pipeline.start();
            for (int id = 1; id <= 5; id++) {
                db.execute("INSERT INTO halt.orders (id, customer_id, amount) VALUES (" + id + ", 1, 1.00)");
            }
            await().atMost(WAIT).until(() -> pipeline.state() == PipelineState.FAILED);
            assertThat(pipeline.failure()).get().asString().contains("refusing row id 3");
        }
        assertThat(distinctIds(events)).containsExactlyInAnyOrder(1L, 2L);

        RunnerConfig fixed = TestPipelines.config(db, state, Map.of("pipeline.name", "halt",
                "source.tables", "halt.orders"));
        try (Pipeline pipeline = Pipelines.create(fixed)) {
            pipeline.start();
            await().atMost(WAIT).until(() -> distinctIds(events).size() >= 5);
        }
        assertThat(distinctIds(events)).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void aPoisonRowIsDeadLetteredAfterItsRetriesAndTheStreamMovesOn() throws Exception {
        createOrders("poison");
        Path state = stateDir("poison");
        RecordingProcessor.reset("poison");
        List<ChangeEvent> events = RecordingProcessor.events("poison");
        RunnerConfig config = TestPipelines.config(db, state, Map.of("pipeline.name", "poison",
                "source.tables", "poison.orders", "processor.fail.ids", "3", "processor.threads", "2",
                "processor.retry.max.attempts", "3", "processor.retry.initial.backoff.ms", "10"));
        try (Pipeline pipeline = Pipelines.create(config)) {
            pipeline.start();
            for (int id = 1; id <= 6; id++) {
                db.execute("INSERT INTO poison.orders (id, customer_id, amount) VALUES (" + id + ", 1, 1.00)");
            }
            await().atMost(WAIT).until(() -> distinctIds(events).size() >= 5);
            await().atMost(WAIT).until(() -> pipeline.counters().delivery().deadLettered() >= 1);
            assertThat(pipeline.state()).isEqualTo(PipelineState.STREAMING);
            assertThat(pipeline.counters().delivery().retried()).isEqualTo(2);
        }
        assertThat(distinctIds(events)).containsExactlyInAnyOrder(1L, 2L, 4L, 5L, 6L);
        try (var store = io.cdcrunner.deadletter.JsonLinesDeadLetterStore.openIn(state)) {
            assertThat(store.list()).singleElement().satisfies(letter -> {
                assertThat(letter.event().row().getLong("id")).isEqualTo(3L);
                assertThat(letter.attempts()).isEqualTo(3);
                assertThat(letter.errorMessage()).contains("refusing row id 3");
            });
        }
    }

    private static Thread startThread(Runnable work) {
        Thread thread = new Thread(work, "test-writer");
        thread.start();
        return thread;
    }

    private static Set<Long> distinctIds(List<ChangeEvent> events) {
        return events.stream().map(e -> e.row().getLong("id")).collect(Collectors.toSet());
    }

    private static Set<Long> ids(String database) throws SQLException {
        try (Connection c = pool.getConnection();
             var rs = c.createStatement().executeQuery("SELECT id FROM " + database + ".orders")) {
            Set<Long> ids = new java.util.HashSet<>();
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
            return ids;
        }
    }

    /** Inserts {@code count} orders, one per transaction, paced at {@code perSecond} (0: as fast as possible). */
    private static void insertOrders(String database, int writer, int count, int perSecond) {
        Pacer pacer = new Pacer(perSecond);
        try (Connection c = pool.getConnection();
             PreparedStatement insert = c.prepareStatement(
                     "INSERT INTO " + database + ".orders (customer_id, amount, note) VALUES (?, ?, ?)")) {
            for (int i = 0; i < count; i++) {
                pacer.awaitNext();
                insert.setInt(1, (writer * 31 + i) % 97);
                insert.setBigDecimal(2, BigDecimal.valueOf(100 + i % 900, 2));
                insert.setString(3, "w" + writer + "-" + i);
                insert.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
