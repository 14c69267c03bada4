package io.cdcrunner.visibility;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.cli.CdcRunner;
import io.cdcrunner.cli.ExitCodes;
import io.cdcrunner.config.ConfigLoader;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.load.DemoWriter;
import io.cdcrunner.processor.ProcessorConfig;
import io.cdcrunner.processor.builtin.FamilyAggregateProcessor;
import io.cdcrunner.processor.builtin.FamilySettings;
import io.cdcrunner.delivery.ProcessedListener;
import io.cdcrunner.localdb.LocalServer;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.pipeline.TestPipelines;
import io.cdcrunner.testdb.LocalTestDatabase;
import io.cdcrunner.testkit.DatabaseTest;

/**
 * Read-your-writes on a real topology: a primary and a replica applying each transaction a second late
 * ({@code MASTER_DELAY=1} on MariaDB, {@code SOURCE_DELAY=1} on MySQL). The daemon tails the primary; the processor
 * reads each inserted row's family from the replica (or the primary) and counts stale reads. On MySQL the barrier
 * is {@code WAIT_FOR_EXECUTED_GTID_SET}, on MariaDB {@code MASTER_GTID_WAIT}. Size with
 * {@code -Dcdc.visibility.rows=N} (MariaDB) and {@code -Dcdc.visibility.mysql.rows=N} (MySQL, smaller by default:
 * the same points, in less of the suite's time).
 */
@DatabaseTest
@ParameterizedClass(name = "{0}")
@EnumSource(Flavor.class)
class ReplicaVisibilityTest {

    private static final int MARIADB_ROWS = Integer.getInteger("cdc.visibility.rows", 10_000);
    private static final int MYSQL_ROWS = Integer.getInteger("cdc.visibility.mysql.rows", 3_000);
    private static final int RATE = Integer.getInteger("cdc.visibility.rate", 1_500);
    private static final int WRITERS = 8;
    private static final int FAMILIES = 200;
    private static final Duration WAIT = Duration.ofSeconds(180);

    private static LocalTestDatabase primaryDb;
    private static LocalServer primary;
    private static LocalServer replica;
    private static HikariDataSource writerPool;

    @TempDir
    Path temp;

    @Parameter
    Flavor flavor;

    @BeforeParameterizedClassInvocation
    static void startTopology(Flavor flavor) {
        primaryDb = new LocalTestDatabase(flavor);
        primary = primaryDb.server();
        primaryDb.createCdcUser(TestPipelines.USER, TestPipelines.PASSWORD);
        replica = primary.startReplica(2, 1);
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(primary.jdbcUrl(""));
        hikari.setUsername("root");
        hikari.setMaximumPoolSize(WRITERS + 1);
        writerPool = new HikariDataSource(hikari);
    }

    @AfterParameterizedClassInvocation
    static void stopTopology() {
        if (writerPool != null) {
            writerPool.close();
            writerPool = null;
        }
        if (replica != null) {
            replica.close();
            replica = null;
        }
        if (primaryDb != null) {
            primaryDb.close();
            primaryDb = null;
        }
    }

    private int rows() {
        return flavor == Flavor.MARIADB ? MARIADB_ROWS : MYSQL_ROWS;
    }

    /**
     * {@code more} plus barrier waits of 300 ms retried quickly, {@code attempts} times: the tests watch timeouts
     * happen rather than wait the default 10 s for each.
     */
    private static Map<String, String> shortWaits(int attempts, Map<String, String> more) {
        Map<String, String> keys = new HashMap<>(more);
        keys.put("processor.read.visibility.timeout.ms", "300");
        keys.put("processor.retry.max.attempts", String.valueOf(attempts));
        keys.put("processor.retry.initial.backoff.ms", "50");
        keys.put("processor.retry.max.backoff.ms", "200");
        return keys;
    }

    /** Creates the table and the daemon's configuration for it. */
    private RunnerConfig prepare(String name, Map<String, String> overrides) throws Exception {
        return ConfigLoader.load(prepareFile(name, overrides), Map.of(), new Properties());
    }

    /** Creates the table and writes the daemon's configuration file for it. */
    private Path prepareFile(String name, Map<String, String> overrides) throws Exception {
        primary.execute("CREATE DATABASE " + name);
        try (Connection c = primary.rootConnection()) {
            FamilyWriters.createTable(c, name + ".rows");
        }
        // The table must exist on the replica before any read, also when the barrier is off.
        replica.awaitCaughtUpWith(primary, Duration.ofSeconds(30));
        Map<String, String> settings = new HashMap<>(Map.of(
                "pipeline.name", name,
                "source.tables", name + ".rows",
                "processor.class", FamilyReadCheckProcessor.class.getName(),
                "processor.check.table", name + ".rows",
                "processor.read.url", replica.jdbcUrl(""),
                "processor.threads", "4",
                "processor.ordering.column", "family"));
        settings.putAll(overrides);
        settings.values().removeIf(String::isEmpty);
        return TestPipelines.writeProperties(primaryDb, Files.createDirectories(temp.resolve(name)), settings);
    }

    /** Runs the daemon over {@code rows} inserts and returns what the processor saw. */
    private Outcome run(String name, int rows, Map<String, String> overrides) throws Exception {
        return run(name, rows, overrides, () -> { });
    }

    /** As {@link #run(String, int, Map)}, with {@code beforeWrites} run once the table exists on both servers. */
    private Outcome run(String name, int rows, Map<String, String> overrides, Runnable beforeWrites) throws Exception {
        RunnerConfig config = prepare(name, overrides);
        beforeWrites.run();
        CommittedRows committed = new CommittedRows();
        FamilyReadCheckProcessor.Tally tally = FamilyReadCheckProcessor.track(name, committed);
        Histogram latency = new SynchronizedHistogram(3_600_000_000L, 3);
        ProcessedListener commitToProcessed = (event, nanos) -> {
            Long committedAt = committed.commitNanos(event.row().getLong("id"));
            if (committedAt != null) {
                latency.recordValue(Math.max(0, (nanos - committedAt) / 1_000));
            }
        };
        try (Pipeline pipeline = Pipelines.create(config, commitToProcessed)) {
            pipeline.start();
            long started = System.nanoTime();
            FamilyWriters.write(writerPool, name + ".rows", rows, FAMILIES, WRITERS, RATE, committed);
            await().atMost(WAIT).until(() -> tally.reads.get() >= rows || pipeline.state().isFinal());
            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(pipeline.state()).isEqualTo(PipelineState.STREAMING);
            pipeline.close();
            VisibilityMetrics barrier = pipeline.visibility();
            System.out.printf("[visibility] %-13s method %-12s rows %,d, reads %,d, stale reads %,d (row itself "
                            + "missing %,d, earlier row of its family missing %,d) in %.1f s; barrier waits %,d "
                            + "p50 %.1f ms p99 %.1f ms max %.1f ms, events covered without a wait %,d, row "
                            + "confirmations %,d, timeouts %d; commit-to-processed p50 %.1f ms p99 %.1f ms%n",
                    name, barrier.method(), committed.count(), tally.reads.get(), tally.stale(),
                    tally.missingOwnRow.get(), tally.missingEarlierRow.get(), seconds, barrier.waits(),
                    barrier.waitMicrosAtPercentile(50) / 1000.0, barrier.waitMicrosAtPercentile(99) / 1000.0,
                    barrier.maxWaitMicros() / 1000.0, barrier.eventsCovered(), barrier.rowConfirmations(),
                    barrier.timeouts(), latency.getValueAtPercentile(50) / 1000.0,
                    latency.getValueAtPercentile(99) / 1000.0);
            assertThat(tally.reads.get()).as("every insert processed once").isEqualTo(rows);
            return new Outcome(tally.stale(), barrier);
        }
    }

    private record Outcome(long staleReads, VisibilityMetrics barrier) {
    }

    @Test
    void withTheBarrierNoReadFromTheLaggingReplicaMissesTheEventOrAnEarlierRowOfItsFamily() throws Exception {
        Outcome outcome = run("vis_replica", rows(), Map.of());
        assertThat(outcome.barrier().method()).isEqualTo("gtid-wait");
        assertThat(outcome.staleReads()).isZero();
        // Amortized: fewer waits than events. MySQL waited about one event in six at 3,000 rows on a loaded machine
        // (MariaDB fewer than one in ten at 10,000); a quiet machine makes smaller batches and so more waits, hence
        // the wide bound at MySQL's smaller size.
        assertThat(outcome.barrier().waits()).isLessThan(rows() / (flavor == Flavor.MARIADB ? 10 : 2));
    }

    @Test
    void withTheBarrierOffTheSameSetupReadsStaleState() throws Exception {
        // The replica applies nothing while the rows are processed, whatever the machine's load: without the
        // barrier every read misses its row (with the one-second delay alone, a slow run read nothing stale).
        int rows = Math.min(rows(), 2_000);
        Outcome outcome;
        try {
            outcome = run("vis_off", rows, Map.of("processor.read.visibility", "off"),
                    () -> replica.execute("STOP REPLICA SQL_THREAD"));
        } finally {
            replica.execute("START REPLICA SQL_THREAD");
        }
        assertThat(outcome.barrier().method()).isEqualTo("off");
        assertThat(outcome.staleReads()).as("stale reads without the barrier: proves the check can fail")
                .isEqualTo(rows);
    }

    @Test
    void readingThePrimaryTheBarrierLocksTheLastRowAndNoReadIsStale() throws Exception {
        Outcome outcome = run("vis_primary", rows(), Map.of("processor.read.url", ""));
        // MySQL too: WAIT_FOR_EXECUTED_GTID_SET on a primary returns at an XA transaction's PREPARE, before its
        // rows are visible (PrimaryCommitWindowTest), so auto locks there as on MariaDB.
        assertThat(outcome.barrier().method()).isEqualTo("primary-lock");
        assertThat(outcome.staleReads()).isZero();
    }

    @Test
    void rowPollConfirmsEachEventsRowOnTheReplica() throws Exception {
        Outcome outcome = run("vis_rowpoll", Math.min(rows(), 1_000), Map.of("processor.read.visibility", "row-poll"));
        assertThat(outcome.barrier().method()).isEqualTo("row-poll");
        assertThat(outcome.staleReads()).isZero();
        assertThat(outcome.barrier().rowConfirmations()).isEqualTo(Math.min(rows(), 1_000));
    }

    @Test
    void aReplicaThatStopsApplyingHoldsTheProcessorBackInsteadOfLettingItReadStaleState() throws Exception {
        RunnerConfig config = prepare("vis_stopped", shortWaits(1000, Map.of()));
        CommittedRows committed = new CommittedRows();
        FamilyReadCheckProcessor.Tally tally = FamilyReadCheckProcessor.track("vis_stopped", committed);
        try (Pipeline pipeline = Pipelines.create(config)) {
            pipeline.start();
            replica.execute("STOP REPLICA SQL_THREAD");
            try {
                FamilyWriters.write(writerPool, "vis_stopped.rows", 1, 1, 1, 100, committed);
                await().atMost(WAIT).until(() -> pipeline.visibility().timeouts() >= 3);
                assertThat(tally.reads.get()).as("processor runs while the replica does not apply").isZero();
            } finally {
                replica.execute("START REPLICA SQL_THREAD");
            }
            await().atMost(WAIT).until(() -> tally.reads.get() >= 1);
            pipeline.close();
            System.out.printf("[visibility] replica stopped applying: %d timed-out waits (retried), then read %d "
                    + "row(s) with %d stale once it resumed%n", pipeline.visibility().timeouts(), tally.reads.get(),
                    tally.stale());
            assertThat(tally.stale()).isZero();
            assertThat(pipeline.counters().delivery().deadLettered()).isZero();
        }
    }

    @Test
    void anEventRunsOnceTheReplicaAppliedItsTransactionNotOnceItAppliedTheWholeBatch() throws Exception {
        String name = "vis_progress";
        RunnerConfig config = prepare(name, shortWaits(1000, Map.of("processor.threads", "1")));
        CommittedRows committed = new CommittedRows();
        FamilyReadCheckProcessor.Tally tally = FamilyReadCheckProcessor.track(name, committed);
        try (Pipeline pipeline = Pipelines.create(config)) {
            pipeline.start();
            FamilyWriters.write(writerPool, name + ".rows", 1, 1, 1, 100, committed);
            await().atMost(WAIT).until(() -> tally.reads.get() >= 1);
        }
        // Three transactions while the daemon is stopped: on restart they arrive together, in one batch.
        replica.execute("STOP REPLICA SQL_THREAD");
        List<Long> ids = new ArrayList<>();
        String firstGtid = null;
        try (Connection c = primary.rootConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO " + name + ".rows (family, payload) "
                     + "VALUES (0, 'later')", Statement.RETURN_GENERATED_KEYS);
             Statement gtid = c.createStatement()) {
            for (int i = 0; i < 3; i++) {
                insert.executeUpdate();
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    keys.next();
                    ids.add(keys.getLong(1));
                    committed.committed(0, keys.getLong(1));
                }
                if (firstGtid == null) {
                    // MySQL has no @@last_gtid; nothing else writes, so everything executed ends with this insert.
                    try (ResultSet rs = gtid.executeQuery(flavor == Flavor.MARIADB ? "SELECT @@last_gtid"
                            : "SELECT @@GLOBAL.gtid_executed")) {
                        rs.next();
                        firstGtid = rs.getString(1);
                    }
                }
            }
        }
        Set<Long> processed = ConcurrentHashMap.newKeySet();
        try (Pipeline pipeline = Pipelines.create(config, (event, nanos) -> processed.add(event.row().getLong("id")))) {
            // The replica applies the first of the three and stops there.
            replica.execute("STOP REPLICA", "START REPLICA UNTIL " + (flavor == Flavor.MARIADB ? "master_gtid_pos"
                    : "SQL_AFTER_GTIDS") + " = '" + firstGtid + "'");
            pipeline.start();
            await().atMost(WAIT).until(() -> processed.contains(ids.get(0)));
            assertThat(rowOnReplica(name, ids.get(2))).as("the batch's last row is not on the replica yet").isFalse();
            assertThat(processed).as("the first of the three ran; the others wait for the replica")
                    .doesNotContain(ids.get(1), ids.get(2));
            replica.execute("STOP REPLICA", "START REPLICA");
            await().atMost(WAIT).until(() -> processed.containsAll(ids));
            System.out.printf("[visibility] replica applying one transaction of a batch: its event ran, the others "
                    + "waited (%d timed-out waits) and ran once it resumed; stale reads %d%n",
                    pipeline.visibility().timeouts(), tally.stale());
            assertThat(tally.stale()).isZero();
        } finally {
            if (!replica.isReplicating()) {
                replica.execute("STOP REPLICA", "START REPLICA");
            }
        }
    }

    private static boolean rowOnReplica(String database, long id) throws Exception {
        try (Connection c = replica.rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1 FROM " + database + ".rows WHERE id = " + id)) {
            return rs.next();
        }
    }

    @Test
    void aDeadLetterReplayWaitsForTheReplicaAsTheDaemonDoes() throws Exception {
        String name = "vis_replay";
        Path settings = prepareFile(name, shortWaits(2, Map.of()));
        RunnerConfig config = ConfigLoader.load(settings, Map.of(), new Properties());
        CommittedRows committed = new CommittedRows();
        FamilyReadCheckProcessor.Tally tally = FamilyReadCheckProcessor.track(name, committed);
        replica.execute("STOP REPLICA SQL_THREAD");
        try {
            try (Pipeline pipeline = Pipelines.create(config)) {
                pipeline.start();
                FamilyWriters.write(writerPool, name + ".rows", 1, 1, 1, 100, committed);
                await().atMost(WAIT).until(() -> pipeline.counters().delivery().deadLettered() >= 1);
            }
            assertThat(tally.reads.get()).as("the barrier timed out; the processor never ran").isZero();

            int stillBehind = CdcRunner.execute("dlq", "replay", "--all", "--config", settings.toString());
            assertThat(stillBehind).as("replay while the replica does not apply").isEqualTo(ExitCodes.FAILED);
            assertThat(tally.reads.get()).as("no read from a replica that lacks the event").isZero();
        } finally {
            replica.execute("START REPLICA SQL_THREAD");
        }
        replica.awaitCaughtUpWith(primary, Duration.ofSeconds(30));
        int replayed = CdcRunner.execute("dlq", "replay", "--all", "--config", settings.toString());
        System.out.printf("[visibility] dead-letter replay: exit 1 while the replica stood still, then exit %d "
                + "with %d read(s), %d stale%n", replayed, tally.reads.get(), tally.stale());
        assertThat(replayed).isEqualTo(ExitCodes.OK);
        assertThat(tally.reads.get()).isEqualTo(1);
        assertThat(tally.stale()).isZero();
    }

    @Test
    void theFamilyAggregateProcessorReadingTheReplicaKeepsEverySummaryExact() throws Exception {
        String name = "vis_family";
        int rows = Math.min(rows(), 3_000);
        primary.execute("CREATE DATABASE " + name);
        try (Connection c = primary.rootConnection()) {
            DemoWriter.createSchema(c, name + ".orders");
        }
        replica.awaitCaughtUpWith(primary, Duration.ofSeconds(30));
        // Ordered by row (the default), so one family's rows run on several lanes at once.
        RunnerConfig config = TestPipelines.config(primaryDb, Files.createDirectories(temp.resolve(name)), Map.of(
                "pipeline.name", name,
                "source.tables", name + ".orders",
                "processor.class", FamilyAggregateProcessor.class.getName(),
                "processor.family.table", name + ".orders",
                "processor.family.column", "customer_id",
                "processor.family.value.column", "amount",
                "processor.family.summary.table", name + ".customer_totals",
                "processor.read.url", replica.jdbcUrl(""),
                "processor.threads", "4"));
        try (Pipeline pipeline = Pipelines.create(config)) {
            pipeline.start();
            new DemoWriter(writerPool, name + ".orders", rows, 40, 4, RATE).run();
            await().atMost(WAIT).until(() -> pipeline.counters().processedCount() >= rows || pipeline.state().isFinal());
            pipeline.close();
            FamilySettings family = FamilySettings.from(new ProcessorConfig(config.processor().options()));
            List<String> mismatches = FamilyAggregateProcessor.mismatches(writerPool, family);
            System.out.printf("[visibility] family aggregate reading the replica: %,d events, %d summaries differ "
                    + "from a recomputation; barrier %s%n", pipeline.counters().processedCount(), mismatches.size(),
                    pipeline.visibility().summary());
            assertThat(pipeline.counters().processedCount()).isEqualTo(rows);
            assertThat(mismatches).isEmpty();
        }
    }

    @Test
    void rowsOfAnInitialSnapshotWaitUntilTheReplicaHasTheSnapshot() throws Exception {
        RunnerConfig config = prepare("vis_snapshot", shortWaits(1000, Map.of("source.start", "snapshot")));
        CommittedRows committed = new CommittedRows();
        FamilyReadCheckProcessor.Tally tally = FamilyReadCheckProcessor.track("vis_snapshot", committed);
        int rows = 200;
        replica.execute("STOP REPLICA SQL_THREAD");
        try (Pipeline pipeline = Pipelines.create(config)) {
            try {
                FamilyWriters.write(writerPool, "vis_snapshot.rows", rows, 10, 2, 1_000, committed);
                pipeline.start();
                await().atMost(WAIT).until(() -> pipeline.visibility().timeouts() >= 2);
                assertThat(tally.reads.get()).as("snapshot rows processed before the replica has them").isZero();
            } finally {
                replica.execute("START REPLICA SQL_THREAD");
            }
            await().atMost(WAIT).until(() -> tally.reads.get() >= rows);
            pipeline.close();
            System.out.printf("[visibility] snapshot of %d rows read from the replica: %d timed-out waits while it "
                    + "did not apply, then stale reads %d%n", rows, pipeline.visibility().timeouts(), tally.stale());
            assertThat(tally.stale()).isZero();
        }
    }
}
