package io.cdcrunner.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.binlog.OffsetFileStore;
import io.cdcrunner.testdb.LocalTestDatabase;
import io.cdcrunner.testdb.SharedDatabase;
import io.cdcrunner.testkit.DatabaseTest;

/**
 * A transactional processor's effects apply once even when the engine delivers events again: here every
 * event is redelivered by rewinding the recorded position to where the first start began.
 */
@DatabaseTest
@ParameterizedClass(name = "{0}")
@EnumSource(Flavor.class)
class EffectivelyOnceTest {

    static final SharedDatabase SERVER = new SharedDatabase();
    private static LocalTestDatabase db;

    @Parameter
    Flavor flavor;

    @TempDir
    Path temp;

    @BeforeParameterizedClassInvocation
    static void start(Flavor flavor) {
        db = SERVER.start(flavor);
        db.execute("CREATE DATABASE once",
                "CREATE TABLE once.orders (id BIGINT PRIMARY KEY, customer_id INT NOT NULL)",
                "CREATE TABLE once.audit (row_id BIGINT PRIMARY KEY, times INT NOT NULL)");
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        SERVER.close();
    }

    @Test
    void redeliveredEventsAreSkippedThroughTheLedgerAndCounted() throws Exception {
        Path state = Files.createDirectories(temp.resolve("state"));
        RunnerConfig config = TestPipelines.config(db, state, Map.of(
                "pipeline.name", "once",
                "source.tables", "once.orders",
                "processor.class", AuditingProcessor.class.getName(),
                "processor.audit.table", "once.audit",
                "processor.threads", "3"));
        int rows = 500;
        Map<String, String> seeded;
        try (Pipeline first = Pipelines.create(config)) {
            first.start();
            seeded = OffsetFileStore.read(state.resolve("offsets.json"));
            insertRows(1, rows);
            await().atMost(Duration.ofSeconds(60)).until(() -> first.counters().processedCount() >= rows);
        }
        // Rewind: the next start reads every event again, as after a crash before an offset flush.
        OffsetFileStore.write(state.resolve("offsets.json"), seeded);
        try (Pipeline second = Pipelines.create(config)) {
            second.start();
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> second.counters().delivery().duplicates() >= rows);
            insertRows(rows + 1, 10);
            await().atMost(Duration.ofSeconds(60)).until(() -> second.counters().processedCount() >= 10);
            System.out.printf("[once] rows %d, redelivered and skipped %d, processed after restart %d%n",
                    rows + 10, second.counters().delivery().duplicates(), second.counters().processedCount());
            assertThat(second.counters().delivery().duplicates()).isEqualTo(rows);
            assertThat(second.counters().processedCount()).isEqualTo(10);
        }
        assertThat(query("SELECT COUNT(*), MIN(times), MAX(times) FROM once.audit")).isEqualTo(rows + 10 + ",1,1");
        assertThat(query("SELECT COUNT(*) FROM cdc_runner.processed_events WHERE pipeline = 'once'"))
                .isEqualTo(String.valueOf(rows + 10));
    }

    @Test
    void theLedgerIsPrunedOnlyBeforeTheRecordedPosition() throws Exception {
        db.execute("CREATE DATABASE prune",
                "CREATE TABLE prune.orders (id BIGINT PRIMARY KEY, customer_id INT NOT NULL)",
                "CREATE TABLE prune.audit (row_id BIGINT PRIMARY KEY, times INT NOT NULL)");
        Path state = Files.createDirectories(temp.resolve("prune"));
        RunnerConfig config = TestPipelines.config(db, state, Map.of(
                "pipeline.name", "prune",
                "source.tables", "prune.orders",
                "processor.class", AuditingProcessor.class.getName(),
                "processor.audit.table", "prune.audit",
                "processor.ledger.table", "prune.ledger"));
        try (Pipeline pipeline = Pipelines.create(config)) {
            pipeline.start();
            for (int i = 1; i <= 20; i++) {
                db.execute("INSERT INTO prune.orders VALUES (" + i + ", 1)");
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> pipeline.counters().processedCount() >= 20);
        }
        Map<String, String> offsets = OffsetFileStore.read(state.resolve("offsets.json"));
        String offset = offsets.values().iterator().next();
        String file = offset.replaceAll(".*\"file\":\"([^\"]+)\".*", "$1");
        long pos = Long.parseLong(offset.replaceAll(".*\"pos\":(\\d+).*", "$1"));
        io.cdcrunner.delivery.Ledger ledger = new io.cdcrunner.delivery.Ledger("prune.ledger", "prune");
        com.zaxxer.hikari.HikariConfig hikari = new com.zaxxer.hikari.HikariConfig();
        hikari.setJdbcUrl(db.jdbcUrl(""));
        hikari.setUsername("root");
        try (com.zaxxer.hikari.HikariDataSource ds = new com.zaxxer.hikari.HikariDataSource(hikari)) {
            // The recorded position is where the last processed transaction began (the engine resumes there and
            // skips what it already delivered): entries from that transaction on must stay.
            assertThat(ledger.pruneBefore(ds, file, pos)).isEqualTo(19);
            assertThat(query("SELECT COUNT(*), MIN(binlog_pos) >= " + pos + " FROM prune.ledger")).isEqualTo("1,1");
        }
    }

    private static void insertRows(int from, int count) {
        StringBuilder sql = new StringBuilder("INSERT INTO once.orders VALUES ");
        for (int i = 0; i < count; i++) {
            sql.append(i == 0 ? "" : ",").append('(').append(from + i).append(',').append((from + i) % 7).append(')');
        }
        // One row per transaction for half of them, a multi-row insert for the rest: both kinds of event ids.
        db.execute(sql.toString());
    }

    private static String query(String sql) throws Exception {
        try (Connection c = db.rootConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            StringBuilder out = new StringBuilder();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                out.append(i == 1 ? "" : ",").append(rs.getString(i));
            }
            return out.toString();
        }
    }
}
