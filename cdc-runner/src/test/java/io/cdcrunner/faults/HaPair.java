package io.cdcrunner.faults;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.assertj.core.api.SoftAssertions;

/**
 * Two daemon processes running the same pipeline with {@code ha.enabled} on one server: which one holds the lease
 * (the lease row's holder names the process id), how long a takeover took, and the verdict every HA test asserts.
 */
final class HaPair implements AutoCloseable {

    static final String LEASES = "cdc_runner.leases";
    private static final String ACTIVE = "' active and started";

    private final FaultDatabase db;
    private final List<DaemonProcess> daemons = new ArrayList<>();
    private final List<String> finishedRuns = new ArrayList<>();

    /** Two instances, {@code a} and {@code b}, each with its own (unused) state directory and log files. */
    HaPair(FaultDatabase db, Path temp, String test, Map<String, String> extra) throws Exception {
        this(db, temp, test, extra, Map.of());
    }

    /** As above, with {@code onlyA} applied to instance {@code a} alone (after {@code extra}). */
    HaPair(FaultDatabase db, Path temp, String test, Map<String, String> extra, Map<String, String> onlyA)
            throws Exception {
        this.db = db;
        for (String name : List.of("a", "b")) {
            Path stateDir = Files.createDirectories(temp.resolve("state-" + name));
            Map<String, String> props = db.baseConfig(stateDir);
            props.putAll(FaultDatabase.auditingProcessor());
            props.put("processor.threads", "4");
            props.put("processor.ordering.column", "customer_id");
            props.put("processor.jdbc.pool.size", "8");
            props.put("state.store", "jdbc");
            props.put("ha.enabled", "true");
            props.put("deadletter.store", "io.cdcrunner.deadletter.JdbcDeadLetterStore");
            props.putAll(extra);
            if (name.equals("a")) {
                props.putAll(onlyA);
            }
            Path config = FaultDatabase.writeConfig(temp.resolve(test + "-" + name + ".properties"), props);
            daemons.add(new DaemonProcess(test + "-" + name, config,
                    FaultSteps.logDir(temp, test, db.server().flavor())));
        }
    }

    DaemonProcess a() {
        return daemons.get(0);
    }

    DaemonProcess b() {
        return daemons.get(1);
    }

    /** Starts an instance again after it was killed or stopped, keeping the finished run's output for the counts. */
    void restart(DaemonProcess daemon) {
        if (daemon.runs() > 0) {
            finishedRuns.add(daemon.outputText());
        }
        daemon.start();
    }

    /** The epoch of the lease row (0 before the first holder). */
    long epoch() {
        try {
            return db.count("SELECT COALESCE(MAX(epoch), 0) FROM " + LEASES + " WHERE pipeline = '"
                    + FaultDatabase.PIPELINE + "'");
        } catch (SQLException e) {
            return 0;
        }
    }

    /** The live instance the lease row names as holder with its epoch, if the holder is one of the two. */
    Optional<DaemonProcess> holder() {
        try {
            long pid = db.count("SELECT COALESCE(MAX(CAST(SUBSTRING_INDEX(holder, '@', 1) AS UNSIGNED)), 0) FROM " + LEASES + " WHERE pipeline = '" + FaultDatabase.PIPELINE + "'");
            return daemons.stream().filter(d -> d.isAlive() && d.pid() == pid).findFirst();
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    /** Waits until an instance took the lease after {@code epochBefore} and started its pipeline; returns it. */
    DaemonProcess awaitActive(long epochBefore, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> {
            if (daemons.stream().noneMatch(DaemonProcess::isAlive)) {
                fail("both instances exited:\n" + a().tail(40) + "\n---\n" + b().tail(40));
            }
            return epoch() > epochBefore && holder().map(d -> d.outputText().contains(ACTIVE)).orElse(false);
        });
        return holder().orElseThrow();
    }

    /** The other instance of the two. */
    DaemonProcess other(DaemonProcess daemon) {
        return daemon == a() ? b() : a();
    }

    /** Milliseconds from {@code sinceNanos} until a ledger row of {@code epoch} exists (the new holder applied one). */
    long awaitFirstApplied(long epoch, long sinceNanos, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> db.count("SELECT COUNT(*) FROM "
                + FaultDatabase.LEDGER + " WHERE pipeline = '" + FaultDatabase.PIPELINE + "' AND epoch = " + epoch
                + " LIMIT 1") > 0);
        return (System.nanoTime() - sinceNanos) / 1_000_000;
    }

    /** Waits until every row in the table has been processed, while at least one instance lives. */
    void awaitAllProcessed(Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (daemons.stream().noneMatch(DaemonProcess::isAlive)) {
                fail("both instances exited:\n" + a().tail(40) + "\n---\n" + b().tail(40));
            }
            return db.unprocessed() == 0;
        });
    }

    /**
     * Stops both cleanly (SIGTERM, exit 0) and keeps their output; an instance started again shortly before is
     * first let reach standby or activity (before, its JVM has no handler for SIGTERM yet).
     */
    void stopBoth() {
        for (DaemonProcess daemon : daemons) {
            if (daemon.isAlive()) {
                FaultSteps.awaitWhileAlive(daemon, Duration.ofSeconds(60), daemon + " to stand by or run", () -> {
                    String out = daemon.outputText();
                    return out.contains("' standing by") || out.contains(ACTIVE);
                });
                FaultSteps.stopCleanly(daemon);
            }
            finishedRuns.add(daemon.outputText());
        }
    }

    /** Every finished run's output, for the summed counters. */
    List<String> outputs() {
        return finishedRuns;
    }

    /** Prints the counts and asserts: every row processed once, the family summaries exact, no dead letter. */
    void verify(FaultReport report, int expectedRows, String what) throws SQLException {
        FaultDatabase.Verdict verdict = db.verdict();
        List<String> mismatches = db.familyMismatches();
        long deadLetters = db.count("SELECT COUNT(*) FROM cdc_runner.dead_letters");
        Optional<DaemonOutput.Stats> stats = DaemonOutput.summedStats(outputs());
        report.print("%s: rows written=%d rows processed=%d events processed=%s duplicates skipped=%s lost=%d "
                        + "applied twice or more=%d summary mismatches=%d dead letters=%d lease epoch=%d", what,
                verdict.rows(), verdict.audited(), DaemonOutput.orNa(stats, DaemonOutput.Stats::processed),
                DaemonOutput.orNa(stats, DaemonOutput.Stats::duplicates), verdict.lost().size(),
                verdict.repeated().size(), mismatches.size(), deadLetters, epoch());
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(verdict.rows()).as("rows in the table").isEqualTo(expectedRows);
        soft.assertThat(verdict.lost()).as("rows never processed (lost): " + verdict.describe()).isEmpty();
        soft.assertThat(verdict.repeated()).as("rows applied more than once: " + verdict.describe()).isEmpty();
        soft.assertThat(verdict.unknown()).as("audited ids not in the table").isEmpty();
        soft.assertThat(mismatches).as("family summaries differing from a fresh GROUP BY").isEmpty();
        soft.assertThat(deadLetters).as("dead letters").isZero();
        soft.assertAll();
    }

    @Override
    public void close() {
        daemons.forEach(DaemonProcess::close);
    }
}
