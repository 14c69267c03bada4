package io.cdcrunner.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.cdcrunner.binlog.RecordedOffset;
import io.cdcrunner.state.OffsetFile;
import io.cdcrunner.testkit.FaultTest;

/**
 * An initial snapshot ({@code source.start=snapshot}) ended before its last row, by a SIGKILL, a clean SIGTERM or the
 * database restarting under it (the engine's own restart after a lost connection), while a writer inserts rows and
 * rows already processed are updated before the next start: the next start must read the tables again, so that every
 * row is processed, and with the values it has then (a redone snapshot's rows are not skipped as already applied).
 *
 * <p>Size: {@code -Dcdc.faults.snapshot.rows} (default {@value #DEFAULT_ROWS}) rows in the table before the start.
 */
@FaultTest
class SnapshotInterruptionFaultTest {

    static final int DEFAULT_ROWS = 30_000;
    private static final int WRITER_ROWS = 3_000;
    private static final int UPDATED_ROWS = 200;
    private static final int FAMILIES = 500;
    private static final Duration WAIT = Duration.ofMinutes(3);

    enum Interruption { SIGKILL, SIGTERM, DATABASE_RESTART }

    @TempDir
    Path temp;

    @ParameterizedTest
    @EnumSource(Interruption.class)
    void aSnapshotEndedBeforeItsLastRowIsReadAgainAndEveryRowIsProcessedWithItsCurrentValues(Interruption how)
            throws Exception {
        int rows = Integer.getInteger("cdc.faults.snapshot.rows", DEFAULT_ROWS);
        String name = "snapshot-" + how.name().toLowerCase(java.util.Locale.ROOT);
        FaultReport report = new FaultReport(name);
        try (FaultDatabase db = FaultDatabase.start()) {
            fill(db, rows);
            Path stateDir = Files.createDirectories(temp.resolve("state"));
            Map<String, String> props = db.baseConfig(stateDir);
            props.putAll(FaultDatabase.auditingProcessor());
            props.put("source.start", "snapshot");
            props.put("processor.threads", "2");
            props.put("processor.ordering.column", "customer_id");
            props.put("state.offset.flush.interval.ms", "200");
            props.put("source.connect.retry.max.backoff.ms", "2000");
            Path config = FaultDatabase.writeConfig(temp.resolve(name + ".properties"), props);
            Path offsets = stateDir.resolve("offsets.json");

            try (DaemonProcess daemon = new DaemonProcess(name, config, FaultSteps.logDir(temp, name))) {
                daemon.start();
                FaultSteps.awaitWhileAlive(daemon, WAIT, "the snapshot to record a position in its middle",
                        () -> midSnapshot(offsets) && db.count("SELECT COUNT(*) FROM " + FaultDatabase.AUDIT)
                                >= rows / 20);
                RowWriter writer = new RowWriter(db.server(), rows + 1, WRITER_ROWS, 7, 10, FAMILIES, 500).start();
                long before = db.count("SELECT COUNT(*) FROM " + FaultDatabase.AUDIT);

                switch (how) {
                    case SIGKILL -> {
                        daemon.sigkill();
                        requireMidSnapshot(offsets, how, rows);
                        updateProcessedRows(db);
                        daemon.start();
                    }
                    case SIGTERM -> {
                        FaultSteps.stopCleanly(daemon);
                        requireMidSnapshot(offsets, how, rows);
                        updateProcessedRows(db);
                        daemon.start();
                    }
                    case DATABASE_RESTART -> {
                        // Updated before the outage: committed before the snapshot that the restart takes.
                        updateProcessedRows(db);
                        requireMidSnapshot(offsets, how, rows);
                        db.server().stop();
                        db.server().startServer();
                    }
                }
                report.print("%s with %d of %d rows processed and the offsets recorded in the snapshot's middle",
                        how, before, rows);

                writer.join(Duration.ofMinutes(3));
                FaultSteps.awaitWhileAlive(daemon, WAIT, "every row to be processed after the interruption",
                        () -> db.unprocessed() == 0 && db.staleEffects().isEmpty());
                FaultSteps.stopCleanly(daemon);

                FaultDatabase.Verdict verdict = db.verdict();
                List<String> stale = db.staleEffects();
                long appliedMoreThanTwice = verdict.repeated().values().stream().filter(times -> times > 2).count();
                report.print("rows=%d processed=%d lost=%d applied again by the redone snapshot=%d applied more "
                        + "than twice=%d stale effects=%d daemon runs=%d", verdict.rows(), verdict.audited(),
                        verdict.lost().size(), verdict.repeated().size(), appliedMoreThanTwice, stale.size(),
                        daemon.runs());

                SoftAssertions soft = new SoftAssertions();
                soft.assertThat(verdict.rows()).as("rows in the table").isEqualTo(rows + WRITER_ROWS);
                soft.assertThat(verdict.lost()).as("rows never processed: " + verdict.describe()).isEmpty();
                soft.assertThat(stale).as("rows whose processed amount is not the table's (an update made before "
                        + "the snapshot was read again was skipped as already applied)").isEmpty();
                soft.assertThat(appliedMoreThanTwice).as("rows applied more than once per snapshot attempt: "
                        + verdict.describe()).isZero();
                soft.assertThat(db.familyMismatches()).as("family summaries differing from a fresh GROUP BY")
                        .isEmpty();
                soft.assertThat(daemon.allOutput()).as("the daemon says that it reads the tables again")
                        .contains("did not finish");
                soft.assertThat(FaultSteps.absentOrEmpty(stateDir.resolve("dead-letters.jsonl")))
                        .as("no dead letter").isTrue();
                soft.assertAll();
            }
        }
    }

    /** Fails when the snapshot had finished already: the interruption would prove nothing. */
    private static void requireMidSnapshot(Path offsets, Interruption how, int rows) {
        if (!midSnapshot(offsets)) {
            fail("the snapshot finished before it was interrupted (" + how + "): the test proves nothing; "
                    + "raise -Dcdc.faults.snapshot.rows (now " + rows + ")");
        }
    }

    /** Whether the recorded offset was taken in the middle of the initial snapshot. */
    private static boolean midSnapshot(Path offsets) {
        return Files.exists(offsets) && RecordedOffset.in(OffsetFile.read(offsets))
                .map(RecordedOffset::snapshotUnfinished).orElse(false);
    }

    /** Rows {@code 1..rows}, in multi-row statements, before the daemon starts. */
    static void fill(FaultDatabase db, int rows) throws Exception {
        try (Connection c = db.server().rootConnection(); Statement s = c.createStatement()) {
            for (int from = 1; from <= rows; from += 5_000) {
                StringBuilder insert = new StringBuilder("INSERT INTO " + FaultDatabase.TABLE
                        + " (id, customer_id, amount) VALUES ");
                for (int id = from; id < Math.min(rows + 1, from + 5_000); id++) {
                    insert.append(id == from ? "" : ",").append('(').append(id).append(',').append(id % FAMILIES)
                            .append(',').append(id % 1000).append(".25)");
                }
                s.executeUpdate(insert.toString());
            }
        }
    }

    /** Changes the amount of rows the interrupted snapshot already processed. */
    private static void updateProcessedRows(FaultDatabase db) throws Exception {
        try (Connection c = db.server().rootConnection(); Statement s = c.createStatement()) {
            int updated = s.executeUpdate("UPDATE " + FaultDatabase.TABLE + " SET amount = amount + 1000 WHERE id IN ("
                    + "SELECT row_id FROM (SELECT row_id FROM " + FaultDatabase.AUDIT + " ORDER BY row_id LIMIT "
                    + UPDATED_ROWS + ") processed)");
            assertThat(updated).as("rows processed before the interruption, updated").isPositive();
        }
    }
}
