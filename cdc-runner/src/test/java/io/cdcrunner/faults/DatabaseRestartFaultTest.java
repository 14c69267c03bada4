package io.cdcrunner.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While rows arrive, the database is stopped cleanly and restarted, later killed and restarted. One daemon
 * process, never restarted, must reconnect by itself each time and go on: no row lost, none applied twice.
 */
class DatabaseRestartFaultTest {

    private static final int ROWS = 8_000;
    private static final double ROWS_PER_SECOND = 400;
    private static final Duration OUTAGE = Duration.ofSeconds(3);
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path temp;

    @Test
    void theDaemonRidesOutACleanDatabaseRestartAndADatabaseCrash() throws Exception {
        FaultReport report = new FaultReport("db-restart");
        try (FaultDatabase db = FaultDatabase.start()) {
            Path stateDir = Files.createDirectories(temp.resolve("state"));
            Map<String, String> props = db.baseConfig(stateDir);
            props.putAll(FaultDatabase.auditingProcessor());
            props.put("processor.threads", "2");
            props.put("processor.ordering.column", "customer_id");
            props.put("processor.jdbc.pool.size", "6");
            props.put("source.connect.retry.max.backoff.ms", "2000");
            Path config = FaultDatabase.writeConfig(temp.resolve("db-restart.properties"), props);

            try (DaemonProcess daemon = new DaemonProcess("db-restart", config, temp.resolve("logs"))) {
                daemon.start();
                FaultSteps.awaitStartPosition(daemon, stateDir, Duration.ofSeconds(60));
                RowWriter writer = new RowWriter(db.server(), 1, ROWS, 42, 10, 200, ROWS_PER_SECOND).start();
                FaultSteps.awaitWhileAlive(daemon, WAIT, "the first 1,000 rows to be processed",
                        () -> db.count("SELECT COUNT(*) FROM " + FaultDatabase.AUDIT) >= 1_000);

                long cleanResume = outage(db, daemon, writer, report, "clean stop (SIGTERM to mariadbd)", () -> db.server().stop());
                long crashResume = outage(db, daemon, writer, report, "crash (SIGKILL to mariadbd)", () -> db.server().kill());

                writer.join(Duration.ofMinutes(3));
                FaultSteps.awaitWhileAlive(daemon, WAIT, "every row to be processed after both outages",
                        () -> db.unprocessed() == 0);
                FaultSteps.stopCleanly(daemon);

                FaultDatabase.Verdict verdict = db.verdict();
                List<String> mismatches = db.familyMismatches();
                Optional<DaemonOutput.Stats> stats = DaemonOutput.lastStats(daemon.outputText());
                report.print("rows written=%d rows processed=%d events processed=%s duplicates skipped=%s retried=%s "
                        + "dead-lettered=%s lost=%d applied twice or more=%d summary mismatches=%d "
                        + "writer statements retried=%d; progress resumed %d ms after the clean restart, %d ms after "
                        + "the crash restart; daemon runs=%d",
                        verdict.rows(), verdict.audited(), DaemonOutput.orNa(stats, DaemonOutput.Stats::processed),
                        DaemonOutput.orNa(stats, DaemonOutput.Stats::duplicates),
                        DaemonOutput.orNa(stats, DaemonOutput.Stats::retried),
                        DaemonOutput.orNa(stats, DaemonOutput.Stats::deadLettered), verdict.lost().size(),
                        verdict.repeated().size(), mismatches.size(), writer.failedStatements(), cleanResume,
                        crashResume, daemon.runs());

                SoftAssertions soft = new SoftAssertions();
                soft.assertThat(verdict.rows()).as("rows in the table").isEqualTo(ROWS);
                soft.assertThat(verdict.lost()).as("rows lost: " + verdict.describe()).isEmpty();
                soft.assertThat(verdict.repeated()).as("rows applied more than once: " + verdict.describe()).isEmpty();
                soft.assertThat(mismatches).as("family summaries differing from a fresh GROUP BY").isEmpty();
                soft.assertThat(FaultSteps.absentOrEmpty(stateDir.resolve("dead-letters.jsonl")))
                        .as("no event may be dead-lettered because the database was away: lost connections are "
                                + "retried without limit").isTrue();
                soft.assertThat(daemon.runs()).as("the daemon is never restarted by the test").isEqualTo(1);
                soft.assertAll();
            }
        }
    }

    /**
     * Takes the database away for {@link #OUTAGE}, brings it back, and waits until the daemon (still the same
     * process) processes rows again.
     *
     * @return milliseconds from the server being back to the next processed row
     */
    private static long outage(FaultDatabase db, DaemonProcess daemon, RowWriter writer, FaultReport report,
                               String how, Runnable down)
            throws Exception {
        long before = db.count("SELECT COUNT(*) FROM " + FaultDatabase.AUDIT);
        down.run();
        Thread.sleep(OUTAGE.toMillis());
        if (!daemon.isAlive()) {
            org.assertj.core.api.Assertions.fail(DaemonOutput.explain("the daemon exited (code "
                    + daemon.waitFor(Duration.ofSeconds(5)) + ") while the database was down after a " + how
                    + "; it must wait and reconnect", daemon.outputText()));
        }
        db.server().startServer();
        long up = System.nanoTime();
        long after = db.count("SELECT COUNT(*) FROM " + FaultDatabase.AUDIT);
        FaultSteps.awaitWhileAlive(daemon, WAIT, "rows to be processed again after the database " + how,
                () -> db.count("SELECT COUNT(*) FROM " + FaultDatabase.AUDIT) > after
                        || (writer.isDone() && db.unprocessed() == 0));
        long resumed = (System.nanoTime() - up) / 1_000_000;
        report.print("%s: %d rows processed before, %d at restart, resumed after %d ms", how, before, after, resumed);
        return resumed;
    }
}
