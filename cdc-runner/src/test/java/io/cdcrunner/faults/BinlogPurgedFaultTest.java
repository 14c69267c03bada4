package io.cdcrunner.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.testkit.FaultTest;

/**
 * The binlog holding the daemon's recorded position is purged while it is stopped. By default it must refuse
 * to start, naming the missing position and the way out ({@code source.recovery=snapshot}); with that setting
 * it re-reads the included tables and then streams again. On MySQL the server runs with {@code gtid_mode=ON}, so
 * the recorded offsets carry a GTID set as well as the file: the purge still leaves the daemon's missing
 * transactions nowhere to read, and it must stop the same way.
 */
@FaultTest
class BinlogPurgedFaultTest {

    private static final int ROWS_BEFORE_STOP = 200;
    private static final int ROWS_WHILE_STOPPED = 300;
    private static final int ROWS_AFTER_RECOVERY = 100;
    private static final Pattern BINLOG_FILE = Pattern.compile("binlog\\.\\d{6}");
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path temp;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Flavor.class)
    void aPurgedPositionStopsTheDaemonUntilSnapshotRecoveryIsChosen(Flavor flavor) throws Exception {
        FaultReport report = new FaultReport("binlog-purged:" + flavor);
        try (FaultDatabase db = FaultDatabase.start(flavor)) {
            Path stateDir = Files.createDirectories(temp.resolve("state"));
            Map<String, String> props = db.baseConfig(stateDir);
            props.putAll(FaultDatabase.auditingProcessor());
            Path config = FaultDatabase.writeConfig(temp.resolve("purged.properties"), props);

            try (DaemonProcess daemon = new DaemonProcess("purged", config,
                    FaultSteps.logDir(temp, "binlog-purged", flavor))) {
                daemon.start();
                FaultSteps.awaitStartPosition(daemon, stateDir, Duration.ofSeconds(60));
                new RowWriter(db.server(), 1, ROWS_BEFORE_STOP, 1, 10, 20, 0).start().join(Duration.ofMinutes(1));
                FaultSteps.awaitWhileAlive(daemon, WAIT, "the first rows to be processed", () -> db.unprocessed() == 0);
                FaultSteps.stopCleanly(daemon);

                new RowWriter(db.server(), 1 + ROWS_BEFORE_STOP, ROWS_WHILE_STOPPED, 2, 10, 20, 0).start()
                        .join(Duration.ofMinutes(1));
                String offsets = Files.readString(stateDir.resolve("offsets.json"));
                Matcher recorded = BINLOG_FILE.matcher(offsets);
                assertThat(recorded.find()).as("offsets.json names a binlog file:\n" + offsets).isTrue();
                String recordedFile = recorded.group();
                if (flavor == Flavor.MYSQL) {
                    assertThat(offsets).as("offsets recorded on MySQL with gtid_mode=ON carry the GTID set")
                            .contains("gtids");
                }
                String latest = purgeAllButNewBinlog(db, recordedFile);
                report.print("recorded position in %s; purged every binlog before %s", recordedFile, latest);

                daemon.start();
                int code = daemon.waitFor(Duration.ofSeconds(90));
                String refusal = daemon.outputText();
                report.print("restart with source.recovery=fail: exit code %d, names %s: %b, names "
                        + "source.recovery=snapshot: %b, stack traces=%d", code, recordedFile,
                        refusal.contains(recordedFile), refusal.contains("source.recovery=snapshot"),
                        DaemonOutput.stackTraces(refusal));
                assertThat(code).as(DaemonOutput.explain("exit code of a start whose recorded binlog position "
                        + "was purged (expected 1)", refusal)).isEqualTo(1);
                assertThat(refusal).as(DaemonOutput.explain("the refusal must name the recorded binlog file "
                        + recordedFile + " and tell the user about source.recovery=snapshot", refusal))
                        .contains(recordedFile).contains("source.recovery=snapshot");

                long rowsAtSnapshot = db.count("SELECT COUNT(*) FROM " + FaultDatabase.TABLE);
                daemon.start("-Dsource.recovery=snapshot");
                FaultSteps.awaitWhileAlive(daemon, WAIT, "the recovery snapshot to process every row of "
                        + FaultDatabase.TABLE, () -> db.unprocessed() == 0);
                long snapshotDelivered = db.ledgerEntries("snapshot:");

                long next = 1 + ROWS_BEFORE_STOP + ROWS_WHILE_STOPPED;
                new RowWriter(db.server(), next, ROWS_AFTER_RECOVERY, 3, 10, 20, 0).start().join(Duration.ofMinutes(1));
                FaultSteps.awaitWhileAlive(daemon, WAIT, "rows inserted after the recovery snapshot to be streamed",
                        () -> db.unprocessed() == 0);
                FaultSteps.stopCleanly(daemon);

                FaultDatabase.Verdict verdict = db.verdict();
                report.print("snapshot recovery: snapshot delivered %s rows vs %d rows in the table; %d rows applied "
                        + "again by the snapshot (processed before the purge); then %d rows streamed; rows written=%d "
                        + "rows processed=%d lost=%d",
                        snapshotDelivered < 0 ? "n/a (no ledger)" : String.valueOf(snapshotDelivered), rowsAtSnapshot,
                        verdict.repeated().size(), ROWS_AFTER_RECOVERY, verdict.rows(), verdict.audited(),
                        verdict.lost().size());
                assertThat(verdict.lost()).as("rows lost after snapshot recovery: " + verdict.describe()).isEmpty();
                assertThat(verdict.unknown()).isEmpty();
                if (snapshotDelivered >= 0) {
                    assertThat(snapshotDelivered).as("rows the recovery snapshot delivered (ledger entries "
                            + "'snapshot:...')").isEqualTo(rowsAtSnapshot);
                }
            }
        }
    }

    /**
     * The binlog is purged while the daemon runs but is behind (hung by SIGSTOP, its binlog connection ended on the
     * server): when it goes on, the server refuses its reconnection. It must stop with the same error as at a start,
     * not retry without end. MySQL 8.0 with GTIDs refuses with error 1236 "Cannot replicate because the master purged
     * required binary logs", which the daemon takes for a lost connection once: the restart's own check then finds
     * the purge (Debezium: "Last recorded offset is no longer available on the server") and the daemon stops.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Flavor.class, names = "MYSQL")
    void aPurgeWhileTheDaemonIsBehindStopsItWithTheSameError(Flavor flavor) throws Exception {
        FaultReport report = new FaultReport("binlog-purged-running:" + flavor);
        try (FaultDatabase db = FaultDatabase.start(flavor)) {
            Path stateDir = Files.createDirectories(temp.resolve("state"));
            Map<String, String> props = db.baseConfig(stateDir);
            props.putAll(FaultDatabase.auditingProcessor());
            Path config = FaultDatabase.writeConfig(temp.resolve("purged-running.properties"), props);

            try (DaemonProcess daemon = new DaemonProcess("purged-running", config,
                    FaultSteps.logDir(temp, "binlog-purged-running", flavor))) {
                daemon.start();
                FaultSteps.awaitStartPosition(daemon, stateDir, Duration.ofSeconds(60));
                new RowWriter(db.server(), 1, ROWS_BEFORE_STOP, 1, 10, 20, 0).start().join(Duration.ofMinutes(1));
                FaultSteps.awaitWhileAlive(daemon, WAIT, "the first rows to be processed", () -> db.unprocessed() == 0);

                daemon.signal("STOP");
                // The daemon's binlog connection ends before the rows are written (otherwise the server would have
                // sent them into its socket already), and a binlog a dump thread still reads is not purged.
                long dump = db.count("SELECT COALESCE(MAX(ID), 0) FROM information_schema.PROCESSLIST"
                        + " WHERE COMMAND LIKE 'Binlog Dump%'");
                assertThat(dump).as("the daemon's binlog dump thread").isPositive();
                db.server().execute("KILL " + dump);
                new RowWriter(db.server(), 1 + ROWS_BEFORE_STOP, ROWS_WHILE_STOPPED, 2, 10, 20, 0).start()
                        .join(Duration.ofMinutes(1));
                String latest = purgeAllButNewBinlog(db, "binlog.000001");
                long stopped = System.nanoTime();
                daemon.signal("CONT");
                int code = daemon.waitFor(Duration.ofSeconds(90));
                String output = daemon.outputText();
                report.print("purged every binlog before %s while the daemon was stopped by SIGSTOP; after SIGCONT:"
                        + " exit code %d after %d ms, names source.recovery=snapshot: %b, stack traces=%d", latest,
                        code, (System.nanoTime() - stopped) / 1_000_000, output.contains("source.recovery=snapshot"),
                        DaemonOutput.stackTraces(output));
                assertThat(code).as(DaemonOutput.explain("exit code of a daemon whose binlog was purged while it was"
                        + " behind (expected 1, not a retry without end)", output)).isEqualTo(1);
                assertThat(output).as(DaemonOutput.explain("the error must say the position was purged and name "
                        + "source.recovery=snapshot", output)).contains("no longer on the source server")
                        .contains("source.recovery=snapshot");
            }
        }
    }

    /**
     * Rotates the binlog twice and purges every file before the newest; returns the newest file's name. MariaDB
     * keeps a file its binlog checkpoint still needs (the checkpoint moves shortly after a rotation), so the purge
     * is repeated until {@code recordedFile} is really gone; MySQL purges at once (and adds the purged
     * transactions to {@code gtid_purged}).
     */
    private static String purgeAllButNewBinlog(FaultDatabase db, String recordedFile) throws Exception {
        try (Connection c = db.server().rootConnection(); Statement s = c.createStatement()) {
            s.execute("FLUSH BINARY LOGS");
            s.execute("FLUSH BINARY LOGS");
            String latest;
            try (ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
                rs.next();
                latest = rs.getString(1);
            }
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        s.execute("PURGE BINARY LOGS TO '" + latest + "'");
                        return !binlogs(s).contains(recordedFile);
                    });
            return latest;
        }
    }

    private static List<String> binlogs(Statement s) throws Exception {
        List<String> files = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                files.add(rs.getString(1));
            }
        }
        return files;
    }
}
