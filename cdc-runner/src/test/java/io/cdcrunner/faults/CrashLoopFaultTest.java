package io.cdcrunner.faults;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.testkit.FaultTest;

/**
 * The daemon is SIGKILLed at random moments while a writer inserts rows, restarted each time, then run once more
 * until it caught up: no row may be lost and none may take effect twice.
 *
 * <p>Sizes: {@code -Dcdc.faults.rows} (default {@value #DEFAULT_ROWS} on MariaDB, {@value #DEFAULT_MYSQL_ROWS} on
 * MySQL) and {@code -Dcdc.faults.kills} (default {@value #DEFAULT_KILLS}, {@value #DEFAULT_MYSQL_KILLS} on MySQL),
 * for both servers when given; {@code -Dcdc.faults.seed} repeats a run's kill timings and data. The defaults keep
 * the test under about four minutes on a 2-core machine (measured with one processing lane: 60,000 rows took
 * 212 s, most of it the final catch-up at about 600 rows/s); MySQL's run is smaller because the same kills prove
 * the same point there and the tier's time is shared. The release-size run is
 * {@code mvn -B -pl cdc-runner -am test -Dtest=CrashLoopFaultTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dcdc.faults.rows=100000 -Dcdc.faults.kills=20}.
 */
@FaultTest
class CrashLoopFaultTest {

    static final int DEFAULT_ROWS = 40_000;
    static final int DEFAULT_KILLS = 20;
    static final int DEFAULT_MYSQL_ROWS = 6_000;
    static final int DEFAULT_MYSQL_KILLS = 6;
    private static final int FAMILIES = 500;
    private static final int MAX_ROWS_PER_STATEMENT = 40;

    /** What the pipeline logs once it reads the binlog. */
    private static final String STREAMING = "' streaming";

    @TempDir
    Path temp;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Flavor.class)
    void sigkilledRepeatedlyWhileRowsArriveLosesNoRowAndAppliesNoneTwice(Flavor flavor) throws Exception {
        boolean mysql = flavor == Flavor.MYSQL;
        int rows = Integer.getInteger("cdc.faults.rows", mysql ? DEFAULT_MYSQL_ROWS : DEFAULT_ROWS);
        int kills = Integer.getInteger("cdc.faults.kills", mysql ? DEFAULT_MYSQL_KILLS : DEFAULT_KILLS);
        long seed = Long.getLong("cdc.faults.seed", System.currentTimeMillis());
        FaultReport report = new FaultReport("crash-loop:" + flavor);
        Random random = new Random(seed);
        long[] killDelays = new long[kills];
        long totalDelay = 0;
        for (int k = 0; k < kills; k++) {
            killDelays[k] = 500 + random.nextInt(3_501);
            totalDelay += killDelays[k];
        }
        // Writes span most of the kill phase (the delays plus about 3 s of start-up before each odd kill), so
        // kills land while rows arrive as well as during catch-up.
        double rowsPerSecond = rows / Math.max(1.0, 0.8 * (totalDelay / 1000.0 + 1.5 * kills));
        report.print("seed=%d rows=%d kills=%d (kill delays %s ms; rerun with -Dcdc.faults.seed=%d)",
                seed, rows, kills, java.util.Arrays.toString(killDelays), seed);

        long started = System.nanoTime();
        try (FaultDatabase db = FaultDatabase.start(flavor)) {
            Path stateDir = Files.createDirectories(temp.resolve("state"));
            Map<String, String> props = db.baseConfig(stateDir);
            props.putAll(FaultDatabase.auditingProcessor());
            props.put("processor.threads", "4");
            props.put("processor.ordering.column", "customer_id");
            props.put("processor.jdbc.pool.size", "12");
            props.put("state.offset.flush.interval.ms", "1000");
            Path config = FaultDatabase.writeConfig(temp.resolve("crash-loop.properties"), props);

            List<String> runOutputs = new ArrayList<>();
            try (DaemonProcess daemon = new DaemonProcess("crash-loop", config,
                    FaultSteps.logDir(temp, "crash-loop", flavor))) {
                daemon.start();
                FaultSteps.awaitStartPosition(daemon, stateDir, Duration.ofSeconds(60));
                RowWriter writer = new RowWriter(db.server(), 1, rows, seed + 1, MAX_ROWS_PER_STATEMENT, FAMILIES,
                        rowsPerSecond).start();
                int killedWhileStreaming = 0;
                for (int k = 0; k < kills; k++) {
                    // Even kills count their delay from the launch, so they often land in start-up (offset
                    // seeding, schema history); odd ones from the moment the run streams, so they land mid-batch.
                    if (k % 2 == 1) {
                        awaitStreaming(daemon, k);
                    }
                    Thread.sleep(killDelays[k]);
                    if (!daemon.isAlive()) {
                        fail(DaemonOutput.explain("daemon run " + daemon.runs() + " exited by itself with code "
                                + daemon.waitFor(Duration.ofSeconds(5)) + " before kill " + (k + 1)
                                + "; it must keep running until killed", daemon.outputText()));
                    }
                    daemon.sigkill();
                    String output = daemon.outputText();
                    runOutputs.add(output);
                    if (output.contains(STREAMING)) {
                        killedWhileStreaming++;
                    }
                    daemon.start();
                }
                writer.join(Duration.ofMinutes(5));
                long written = db.count("SELECT COUNT(*) FROM " + FaultDatabase.TABLE);
                report.print("writer done: %d rows in the table, %d failed statements; %d of %d kills hit a run "
                        + "that was streaming, the others hit start-up; rows processed during the kill phase: %d",
                        written, writer.failedStatements(), killedWhileStreaming, kills,
                        db.count("SELECT COUNT(*) FROM " + FaultDatabase.AUDIT));

                // The final run must catch up with everything on its own.
                long drainStart = System.nanoTime();
                FaultSteps.awaitWhileAlive(daemon, Duration.ofSeconds(180 + rows / 200),
                        "the final run to process every row", () -> db.unprocessed() == 0);
                long drainMillis = (System.nanoTime() - drainStart) / 1_000_000;
                FaultSteps.stopCleanly(daemon);
                runOutputs.add(daemon.outputText());

                FaultDatabase.Verdict verdict = db.verdict();
                List<String> mismatches = db.familyMismatches();
                Path deadLetters = stateDir.resolve("dead-letters.jsonl");
                Optional<DaemonOutput.Stats> stats = DaemonOutput.summedStats(runOutputs);
                report.print("rows written=%d kills=%d rows processed=%d events processed=%s duplicates skipped=%s "
                        + "retried=%s dead-lettered=%s lost=%d applied twice or more=%d summary mismatches=%d "
                        + "final catch-up=%d ms total=%d s",
                        verdict.rows(), kills, verdict.audited(),
                        DaemonOutput.orNa(stats, DaemonOutput.Stats::processed),
                        DaemonOutput.orNa(stats, DaemonOutput.Stats::duplicates),
                        DaemonOutput.orNa(stats, DaemonOutput.Stats::retried),
                        DaemonOutput.orNa(stats, DaemonOutput.Stats::deadLettered),
                        verdict.lost().size(), verdict.repeated().size(), mismatches.size(), drainMillis,
                        (System.nanoTime() - started) / 1_000_000_000);

                SoftAssertions soft = new SoftAssertions();
                soft.assertThat(verdict.rows()).as("rows in the table").isEqualTo(rows);
                soft.assertThat(verdict.lost()).as("rows never processed (lost): " + verdict.describe()).isEmpty();
                soft.assertThat(verdict.repeated())
                        .as("rows whose effect was applied more than once: the ledger must skip redeliveries; "
                                + verdict.describe()).isEmpty();
                soft.assertThat(verdict.unknown()).as("audited ids not in the table").isEmpty();
                soft.assertThat(mismatches).as("family summaries differing from a fresh GROUP BY").isEmpty();
                soft.assertThat(FaultSteps.absentOrEmpty(deadLetters))
                        .as("dead-letter store must be empty after a crash loop, but holds:\n"
                                + FaultSteps.readOrEmpty(deadLetters)).isTrue();
                soft.assertAll();
            }
        }
    }

    /** Waits (at most 30 s) until the current run logs that it streams; kills anyway after that. */
    private static void awaitStreaming(DaemonProcess daemon, int kill) {
        try {
            FaultSteps.awaitWhileAlive(daemon, Duration.ofSeconds(30), "run " + daemon.runs() + " to stream",
                    () -> daemon.outputText().contains(STREAMING));
        } catch (AssertionError e) {
            if (!daemon.isAlive()) {
                throw e;
            }
            System.out.println("[fault:crash-loop] run " + daemon.runs() + " logged no \"streaming\" line within "
                    + "30 s; kill " + (kill + 1) + " is timed from then");
        }
    }
}
