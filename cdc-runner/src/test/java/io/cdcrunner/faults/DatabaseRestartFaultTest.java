package io.cdcrunner.faults;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.testdb.FullSuiteFlavors;
import io.cdcrunner.testkit.FaultTest;

/**
 * While rows arrive, the database is stopped cleanly and restarted, later killed and restarted. One daemon
 * process, never restarted, must reconnect by itself each time and go on: no row lost, none applied twice, and
 * a row committed after each restart processed within {@link #RECONNECT_WITHIN}.
 */
@FaultTest
class DatabaseRestartFaultTest {

    private static final int ROWS = 8_000;
    private static final double ROWS_PER_SECOND = 400;
    private static final Duration OUTAGE = Duration.ofSeconds(3);
    /** How soon after the database is back a new row must reach the processor. */
    private static final Duration RECONNECT_WITHIN = Duration.ofSeconds(30);
    private static final Duration WAIT = Duration.ofSeconds(150);
    /** Ids of the rows the test commits right after each restart; the writer uses 1..ROWS. */
    private static final long MARKER_IDS = 1_000_000;

    @TempDir
    Path temp;

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(FullSuiteFlavors.class)
    void theDaemonRidesOutACleanDatabaseRestartAndADatabaseCrash(Flavor flavor) throws Exception {
        FaultReport report = new FaultReport("db-restart:" + flavor);
        String server = flavor == Flavor.MYSQL ? "mysqld" : "mariadbd";
        try (FaultDatabase db = FaultDatabase.start(flavor)) {
            Path stateDir = Files.createDirectories(temp.resolve("state"));
            Map<String, String> props = db.baseConfig(stateDir);
            props.putAll(FaultDatabase.auditingProcessor());
            props.put("processor.threads", "2");
            props.put("processor.ordering.column", "customer_id");
            props.put("processor.jdbc.pool.size", "6");
            props.put("source.connect.retry.max.backoff.ms", "2000");
            Path config = FaultDatabase.writeConfig(temp.resolve("db-restart.properties"), props);

            try (DaemonProcess daemon = new DaemonProcess("db-restart", config,
                    FaultSteps.logDir(temp, "db-restart", flavor))) {
                daemon.start();
                FaultSteps.awaitStartPosition(daemon, stateDir, Duration.ofSeconds(60));
                RowWriter writer = new RowWriter(db.server(), 1, ROWS, 42, 10, 200, ROWS_PER_SECOND).start();
                FaultSteps.awaitWhileAlive(daemon, WAIT, "the first 1,000 rows to be processed",
                        () -> db.count("SELECT COUNT(*) FROM " + FaultDatabase.AUDIT) >= 1_000);

                long cleanMillis = outage(db, daemon, report, 1, "clean stop (SIGTERM to " + server + ")",
                        () -> db.server().stop());
                long crashMillis = outage(db, daemon, report, 2, "crash (SIGKILL to " + server + ")",
                        () -> db.server().kill());

                writer.join(Duration.ofMinutes(3));
                report.print("writer done; %d rows not processed yet", db.unprocessed());
                FaultSteps.awaitWhileAlive(daemon, WAIT, "every row to be processed after both outages",
                        () -> db.unprocessed() == 0);
                FaultSteps.stopCleanly(daemon);

                FaultDatabase.Verdict verdict = db.verdict();
                List<String> mismatches = db.familyMismatches();
                Optional<DaemonOutput.Stats> stats = DaemonOutput.lastStats(daemon.outputText());
                report.print("rows written=%d rows processed=%d events processed=%s duplicates skipped=%s retried=%s "
                        + "dead-lettered=%s lost=%d applied twice or more=%d summary mismatches=%d "
                        + "writer statements retried=%d; a new row was processed %d ms after the clean restart, "
                        + "%d ms after the crash restart; daemon runs=%d",
                        verdict.rows(), verdict.audited(), DaemonOutput.orNa(stats, DaemonOutput.Stats::processed),
                        DaemonOutput.orNa(stats, DaemonOutput.Stats::duplicates),
                        DaemonOutput.orNa(stats, DaemonOutput.Stats::retried),
                        DaemonOutput.orNa(stats, DaemonOutput.Stats::deadLettered), verdict.lost().size(),
                        verdict.repeated().size(), mismatches.size(), writer.failedStatements(), cleanMillis,
                        crashMillis, daemon.runs());

                SoftAssertions soft = new SoftAssertions();
                soft.assertThat(verdict.rows()).as("rows in the table (writer rows + 2 markers)").isEqualTo(ROWS + 2);
                soft.assertThat(verdict.lost()).as("rows lost: " + verdict.describe()).isEmpty();
                soft.assertThat(verdict.repeated()).as("rows applied more than once: " + verdict.describe()).isEmpty();
                soft.assertThat(mismatches).as("family summaries differing from a fresh GROUP BY").isEmpty();
                soft.assertThat(FaultSteps.absentOrEmpty(stateDir.resolve("dead-letters.jsonl")))
                        .as("no event may be dead-lettered because the database was away: lost connections are "
                                + "retried without limit").isTrue();
                soft.assertThat(daemon.runs()).as("the daemon is never restarted by the test").isEqualTo(1);
                for (long millis : new long[] {cleanMillis, crashMillis}) {
                    soft.assertThat(millis).as("ms from the database being back to a new row being processed: the "
                            + "binlog connection must be restored promptly, not only when the binlog client's "
                            + "keepalive notices (Debezium connect.keep.alive.interval.ms, 60 s by default)")
                            .isLessThanOrEqualTo(RECONNECT_WITHIN.toMillis());
                }
                soft.assertAll();
            }
        }
    }

    /**
     * Takes the database away for {@link #OUTAGE}, brings it back, commits a marker row and waits until the
     * daemon (still the same process) processed it: only a restored binlog connection delivers it.
     *
     * @return milliseconds from the server being back to the marker row being processed
     */
    private static long outage(FaultDatabase db, DaemonProcess daemon, FaultReport report, int n, String how,
                               Runnable down) throws Exception {
        long before = db.count("SELECT COUNT(*) FROM " + FaultDatabase.AUDIT);
        long downStart = System.nanoTime();
        down.run();
        long downMillis = (System.nanoTime() - downStart) / 1_000_000;
        Thread.sleep(OUTAGE.toMillis());
        if (!daemon.isAlive()) {
            fail(DaemonOutput.explain("the daemon exited (code " + daemon.waitFor(Duration.ofSeconds(5))
                    + ") while the database was down after a " + how + "; it must wait and reconnect",
                    daemon.outputText()));
        }
        long upStart = System.nanoTime();
        db.server().startServer();
        long up = System.nanoTime();
        long marker = MARKER_IDS + n;
        db.server().execute("INSERT INTO " + FaultDatabase.TABLE + " (id, customer_id, amount) VALUES ("
                + marker + ", 1, 1.00)");
        FaultSteps.awaitWhileAlive(daemon, WAIT, "row " + marker + ", committed after the database " + how
                + " and restart, to be processed", () -> db.count("SELECT COUNT(*) FROM " + FaultDatabase.AUDIT
                + " WHERE row_id = " + marker) > 0);
        long processedMillis = (System.nanoTime() - up) / 1_000_000;
        report.print("%s: %d rows processed before; the server took %d ms to go down, %d ms to come back; a row "
                + "committed after the restart was processed %d ms later", how, before, downMillis,
                (up - upStart) / 1_000_000, processedMillis);
        return processedMillis;
    }
}
