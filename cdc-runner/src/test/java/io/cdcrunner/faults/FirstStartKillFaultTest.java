package io.cdcrunner.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.testkit.FaultTest;

/**
 * The first start records the binlog end, then the engine captures every table's definition into the schema history,
 * record by record. A SIGKILL in the middle of that capture must leave state the next start can use: the next start
 * captures the definitions again rather than trusting a history that defines only some tables (which failed every
 * later start with "Encountered change event for table ... whose schema isn't known"). Many tables of another
 * database, read before the captured one, make the capture long enough to be killed in.
 */
@FaultTest
class FirstStartKillFaultTest {

    private static final int FILLER_TABLES = 400;
    private static final int KILLS = 3;
    private static final int ROWS_PER_STEP = 200;
    private static final Duration WAIT = Duration.ofMinutes(2);

    @TempDir
    Path temp;

    @Test
    void aKillWhileTheFirstStartCapturesTheTableDefinitionsLeavesStateTheNextStartUses() throws Exception {
        FaultReport report = new FaultReport("first-start-kill");
        try (FaultDatabase db = FaultDatabase.start()) {
            createFillerTables(db);
            Path stateDir = Files.createDirectories(temp.resolve("state"));
            Map<String, String> props = db.baseConfig(stateDir);
            props.putAll(FaultDatabase.auditingProcessor());
            Path config = FaultDatabase.writeConfig(temp.resolve("first-start-kill.properties"), props);
            Path history = stateDir.resolve("schema-history.jsonl");

            try (DaemonProcess daemon = new DaemonProcess("first-start-kill", config,
                    FaultSteps.logDir(temp, "first-start-kill"))) {
                long nextId = 1;
                int midCapture = 0;
                for (int kill = 1; kill <= KILLS; kill++) {
                    daemon.start();
                    // This run's engine has begun its capture (an earlier run's history is set aside by then).
                    // Checked often: on a quiet machine the engine captures the 400 tables in a few hundred ms.
                    FaultSteps.awaitWhileAlive(daemon, WAIT, Duration.ofMillis(10),
                            "start " + kill + " to capture some table definitions",
                            () -> daemon.outputText().contains("engine starting")
                                    && (capturedLines(history) > 20 || definesCapturedTable(history)));
                    boolean partial = !definesCapturedTable(history);
                    daemon.sigkill();
                    if (partial && !definesCapturedTable(history)) {
                        midCapture++;
                    }
                    nextId = insert(db, nextId);
                }
                report.print("%d of %d kills landed while the history was being captured (it did not define the "
                        + "captured table yet)", midCapture, KILLS);

                daemon.start();
                nextId = insert(db, nextId);
                long rows = nextId - 1;
                FaultSteps.awaitWhileAlive(daemon, WAIT, "every row to be processed after the kills",
                        () -> db.count("SELECT COUNT(*) FROM " + FaultDatabase.AUDIT) >= rows);
                FaultSteps.stopCleanly(daemon);

                FaultDatabase.Verdict verdict = db.verdict();
                report.print("rows=%d processed=%d lost=%d applied twice or more=%d", verdict.rows(),
                        verdict.audited(), verdict.lost().size(), verdict.repeated().size());
                SoftAssertions soft = new SoftAssertions();
                soft.assertThat(midCapture).as("kills in the middle of the capture (else the test proves nothing)")
                        .isPositive();
                soft.assertThat(verdict.lost()).as("rows lost: " + verdict.describe()).isEmpty();
                soft.assertThat(verdict.repeated()).as("rows applied twice: " + verdict.describe()).isEmpty();
                soft.assertThat(daemon.allOutput()).doesNotContain("whose schema isn't known");
                soft.assertAll();
            }
        }
    }

    /** Tables of a database read before {@code faults} (databases are captured in name order). */
    private static void createFillerTables(FaultDatabase db) throws Exception {
        try (Connection c = db.server().rootConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE aa_filler");
            for (int t = 0; t < FILLER_TABLES; t++) {
                s.execute("CREATE TABLE aa_filler.t" + t + " (id INT PRIMARY KEY, a VARCHAR(20), b DECIMAL(10,2), "
                        + "c DATETIME(3), KEY by_a (a))");
            }
        }
    }

    /** Rows the processor must see: committed after the first start recorded its position. */
    private static long insert(FaultDatabase db, long firstId) throws Exception {
        try (Connection c = db.server().rootConnection(); Statement s = c.createStatement()) {
            StringBuilder values = new StringBuilder();
            for (long id = firstId; id < firstId + ROWS_PER_STEP; id++) {
                values.append(id == firstId ? "" : ",").append('(').append(id).append(',').append(id % 50)
                        .append(",1.50)");
            }
            s.executeUpdate("INSERT INTO " + FaultDatabase.TABLE + " (id, customer_id, amount) VALUES " + values);
        }
        return firstId + ROWS_PER_STEP;
    }

    private static long capturedLines(Path history) throws IOException {
        if (!Files.exists(history)) {
            return 0;
        }
        try (var lines = Files.lines(history)) {
            return lines.count();
        } catch (java.io.UncheckedIOException e) {
            return 0;
        }
    }

    private static boolean definesCapturedTable(Path history) throws IOException {
        if (!Files.exists(history)) {
            return false;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(history);
        } catch (java.nio.charset.MalformedInputException e) {
            return false;
        }
        return lines.stream().anyMatch(line -> line.contains("CREATE TABLE `orders`"));
    }
}
