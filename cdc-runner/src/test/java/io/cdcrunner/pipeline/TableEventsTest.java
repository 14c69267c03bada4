package io.cdcrunner.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.ProcessorConfig;
import io.cdcrunner.processor.builtin.FamilyAggregateProcessor;
import io.cdcrunner.processor.builtin.FamilySettings;
import io.cdcrunner.testdb.LocalTestDatabase;
import io.cdcrunner.testdb.SharedDatabase;
import io.cdcrunner.testkit.DatabaseTest;

/**
 * TRUNCATE and DROP of a captured table reach the processor as table events, in binlog order with the rows around
 * them, and the family summaries stay equal to a recomputation across them.
 */
@DatabaseTest
@ParameterizedClass(name = "{0}")
@EnumSource(Flavor.class)
class TableEventsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    static final SharedDatabase SERVER = new SharedDatabase();
    private static LocalTestDatabase db;
    private static HikariDataSource pool;

    @Parameter
    Flavor flavor;

    @TempDir
    Path temp;

    @BeforeParameterizedClassInvocation
    static void start(Flavor flavor) {
        db = SERVER.start(flavor);
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(db.jdbcUrl(""));
        hikari.setUsername(db.rootUser());
        hikari.setPassword(db.rootPassword());
        hikari.setMaximumPoolSize(4);
        pool = new HikariDataSource(hikari);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        pool.close();
        SERVER.close();
    }

    private RunnerConfig config(String name, Map<String, String> settings) throws Exception {
        Map<String, String> all = new HashMap<>(Map.of("pipeline.name", name));
        all.putAll(settings);
        RecordingProcessor.reset(name);
        return TestPipelines.config(db, Files.createDirectories(temp.resolve(name)), all);
    }

    private static String describe(ChangeEvent event) {
        return event.operation() + " " + event.qualifiedTable()
                + (event.operation().isRowChange() ? " " + event.row().get("id") : "");
    }

    private static List<String> awaitEvents(Pipeline pipeline, String name, int count) {
        await().atMost(WAIT).until(() -> RecordingProcessor.events(name).size() >= count || pipeline.state().isFinal());
        assertThat(pipeline.state().isFinal()).as("pipeline failed: %s", pipeline.state()).isFalse();
        return RecordingProcessor.events(name).stream().map(TableEventsTest::describe).toList();
    }

    @Test
    void truncateAndDropOfACapturedTableArriveInBinlogOrderAndOthersDoNot() throws Exception {
        db.execute("CREATE DATABASE te", "CREATE TABLE te.orders (id INT PRIMARY KEY)",
                "CREATE TABLE te.other (id INT PRIMARY KEY)", "INSERT INTO te.orders VALUES (0)");
        // The snapshot's own DROP TABLE IF EXISTS statements are no table events.
        RunnerConfig config = config("te", Map.of("source.tables", "te.orders", "source.start", "snapshot",
                "processor.threads", "4"));
        try (Pipeline pipeline = Pipelines.create(config)) {
            pipeline.start();
            awaitEvents(pipeline, "te", 1);
            db.execute("INSERT INTO te.orders VALUES (1), (2)",
                    "TRUNCATE TABLE te.other",
                    "TRUNCATE TABLE te.orders",
                    "INSERT INTO te.orders VALUES (3)",
                    "USE te", "TRUNCATE orders",
                    "INSERT INTO te.orders VALUES (4)",
                    "DROP TABLE te.other",
                    "DROP TABLE te.orders",
                    "CREATE TABLE te.orders (id INT PRIMARY KEY)",
                    "INSERT INTO te.orders VALUES (5)");
            List<String> events = awaitEvents(pipeline, "te", 9);
            // Rows 1 and 2 have different keys, so two lanes may take them in either order; a table event waits for
            // both and runs before anything after it.
            assertThat(events.subList(1, 3)).containsExactlyInAnyOrder("INSERT te.orders 1", "INSERT te.orders 2");
            assertThat(events).hasSize(9);
            assertThat(events.subList(3, 9)).containsExactly("TRUNCATE te.orders", "INSERT te.orders 3",
                    "TRUNCATE te.orders", "INSERT te.orders 4", "DROP te.orders", "INSERT te.orders 5");
            List<ChangeEvent> tableEvents = RecordingProcessor.events("te").stream()
                    .filter(e -> !e.operation().isRowChange()).toList();
            assertThat(tableEvents).allSatisfy(e -> {
                assertThat(e.key().isEmpty() && e.before().isEmpty() && e.after().isEmpty()).isTrue();
                // Both servers run with GTIDs here: a table event's id is the GTID form with its table.
                assertThat(e.eventId()).startsWith("gtid:" + e.position().gtid() + ":").endsWith(":te.orders");
                assertThat(e.positionEventId()).isEqualTo(e.position().binlogEventId() + ":te.orders");
            });
            assertThat(tableEvents).extracting(ChangeEvent::eventId).doesNotHaveDuplicates();
        }
    }

    @Test
    void dropDatabaseIsADropOfEachCapturedTableOfIt() throws Exception {
        // dropdb.quiet never gets a row: only the catalog read at start knows it.
        db.execute("CREATE DATABASE dropdb", "CREATE TABLE dropdb.a (id INT PRIMARY KEY)",
                "CREATE TABLE dropdb.quiet (id INT PRIMARY KEY)");
        RunnerConfig config = config("dropdb", Map.of("source.databases", "dropdb"));
        try (Pipeline pipeline = Pipelines.create(config)) {
            pipeline.start();
            db.execute("INSERT INTO dropdb.a VALUES (0)");
            awaitEvents(pipeline, "dropdb", 1);
            // dropdb.a is on the server at the start, dropdb.b is created after it.
            db.execute("CREATE TABLE dropdb.b (id INT PRIMARY KEY)", "INSERT INTO dropdb.a VALUES (1)",
                    "INSERT INTO dropdb.b VALUES (2)", "DROP DATABASE dropdb");
            List<String> events = awaitEvents(pipeline, "dropdb", 6);
            assertThat(events).startsWith("INSERT dropdb.a 0", "INSERT dropdb.a 1", "INSERT dropdb.b 2");
            assertThat(events.subList(3, events.size())).containsExactlyInAnyOrder("DROP dropdb.a", "DROP dropdb.b",
                    "DROP dropdb.quiet");
        }
    }

    @Test
    void tableEventsAreLeftOutWhenSourceOperationsDoesNotListThem() throws Exception {
        db.execute("CREATE DATABASE rows_only", "CREATE TABLE rows_only.orders (id INT PRIMARY KEY)");
        RunnerConfig config = config("rows_only", Map.of("source.tables", "rows_only.orders",
                "source.operations", "insert"));
        try (Pipeline pipeline = Pipelines.create(config)) {
            pipeline.start();
            db.execute("INSERT INTO rows_only.orders VALUES (0)");
            awaitEvents(pipeline, "rows_only", 1);
            db.execute("INSERT INTO rows_only.orders VALUES (1)", "TRUNCATE TABLE rows_only.orders",
                    "DROP TABLE rows_only.orders", "CREATE TABLE rows_only.orders (id INT PRIMARY KEY)",
                    "INSERT INTO rows_only.orders VALUES (2)");
            assertThat(awaitEvents(pipeline, "rows_only", 3))
                    .containsExactly("INSERT rows_only.orders 0", "INSERT rows_only.orders 1", "INSERT rows_only.orders 2");
        }
    }

    @Test
    void familySummariesEqualTheRecomputationAcrossTruncateAndDrop() throws Exception {
        db.execute("CREATE DATABASE fam", "CREATE TABLE fam.orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, "
                + "customer_id INT NOT NULL, amount DECIMAL(12,2) NOT NULL, KEY by_customer (customer_id))");
        RunnerConfig config = config("fam", Map.of(
                "source.tables", "fam.orders",
                "source.operations", "insert,update,delete,truncate,drop",
                "processor.threads", "4",
                "processor.class", FamilyAggregateProcessor.class.getName(),
                "processor.family.table", "fam.orders",
                "processor.family.column", "customer_id",
                "processor.family.value.column", "amount",
                "processor.family.summary.table", "fam.customer_totals"));
        FamilySettings family = FamilySettings.from(new ProcessorConfig(config.processor().options()));
        AtomicInteger finished = new AtomicInteger();
        try (Pipeline pipeline = Pipelines.create(config, (event, nanos) -> finished.incrementAndGet())) {
            pipeline.start();
            db.execute("INSERT INTO fam.orders (customer_id, amount) VALUES (1, 1.00)");
            await().atMost(WAIT).until(() -> finished.get() >= 1 || pipeline.state().isFinal());
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicInteger written = new AtomicInteger();
            Thread writer = new Thread(() -> {
                try (Connection c = db.rootConnection(); Statement s = c.createStatement()) {
                    for (int i = 0; writing.get() || i < 300; i++) {
                        s.execute("INSERT INTO fam.orders (customer_id, amount) VALUES (" + (i % 37) + ", " + (i % 13)
                                + ".25)");
                        written.incrementAndGet();
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();
            await().atMost(WAIT).until(() -> written.get() >= 150);
            // Family 999 has rows only before the TRUNCATE: its summary must go with them.
            db.execute("INSERT INTO fam.orders (customer_id, amount) VALUES (999, 5.00), (999, 7.00)");
            await().atMost(WAIT).until(() -> rowCount("SELECT COUNT(*) FROM fam.customer_totals WHERE family_key = '999'") == 1
                    || pipeline.state().isFinal());
            // Truncated while rows of the other families are being written.
            db.execute("TRUNCATE TABLE fam.orders");
            writing.set(false);
            writer.join();
            // Rows after the truncate whatever the writer's pace (it may have passed its 300 rows before it).
            db.execute("INSERT INTO fam.orders (customer_id, amount) VALUES (1, 2.00), (2, 3.00)");
            int rowEvents = 5 + written.get() + rowCount("SELECT COUNT(*) FROM fam.orders WHERE customer_id = 3");
            db.execute("DELETE FROM fam.orders WHERE customer_id = 3");
            // Every insert, the truncate and the deletes: without the truncate, families keep its rows for ever.
            await().atMost(WAIT).until(() -> FamilyAggregateProcessor.mismatches(pool, family).isEmpty()
                    && finished.get() >= rowEvents || pipeline.state().isFinal());
            assertThat(pipeline.state()).isEqualTo(PipelineState.STREAMING);
            assertThat(FamilyAggregateProcessor.mismatches(pool, family)).isEmpty();
            assertThat(rowCount("SELECT COUNT(*) FROM fam.customer_totals WHERE family_key = '999'")).isZero();
            assertThat(rowCount("SELECT COUNT(*) FROM fam.customer_totals")).isPositive();

            db.execute("DROP TABLE fam.orders");
            await().atMost(WAIT).until(() -> rowCount("SELECT COUNT(*) FROM fam.customer_totals") == 0
                    || pipeline.state().isFinal());
            assertThat(pipeline.state()).isEqualTo(PipelineState.STREAMING);
            db.execute("CREATE TABLE fam.orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL, "
                    + "amount DECIMAL(12,2) NOT NULL)", "INSERT INTO fam.orders (customer_id, amount) VALUES (5, 1.50)");
            await().atMost(WAIT).until(() -> rowCount("SELECT COUNT(*) FROM fam.customer_totals") == 1
                    || pipeline.state().isFinal());
            assertThat(FamilyAggregateProcessor.mismatches(pool, family)).isEmpty();
        }
    }

    private static int rowCount(String sql) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
