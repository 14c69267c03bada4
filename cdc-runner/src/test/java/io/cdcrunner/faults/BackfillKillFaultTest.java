package io.cdcrunner.faults;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.localdb.LocalServer;
import io.cdcrunner.testdb.FullSuiteFlavors;
import io.cdcrunner.testkit.FaultTest;

/**
 * A backfill of a large table newly added to {@code source.tables} ({@code source.new.tables=backfill}) is
 * interrupted midway, by a SIGKILL or a clean SIGTERM, while a writer commits small transactions to the captured
 * tables; the next start must resume the run at its last recorded chunk, not read the table again from its first
 * row, and the run must end having delivered every row that was in the table, under its one run id.
 *
 * <p>The processor ({@link EventAuditProcessor}) is at least once and records every event it is handed by event id,
 * so rows the run delivered more than once (the chunks read again after the restart, a batch whose offset was not
 * recorded) are counted: they must stay within a few chunks, far below the table's size that a run started again
 * from zero would add.
 *
 * <p>The writer's transactions also insert rows into {@code faults.orders}, captured since the first start: each must
 * be processed, across the interruption too.
 *
 * <p>Size: {@code -Dcdc.faults.backfill.rows} (default {@value #DEFAULT_ROWS}) rows in the table, read in chunks of
 * {@value #CHUNK} rows. {@code -Dcdc.faults.backfill.operations=insert,update,delete} delivers the writer's updates
 * too ({@code source.operations}); a row updated while its chunk was read may then come as that update rather than
 * from the run, which the test allows.
 */
@FaultTest
class BackfillKillFaultTest {

    static final int DEFAULT_ROWS = 200_000;
    private static final int CHUNK = 2_000;
    private static final int FLUSH_MS = 250;
    /**
     * Rows the run may deliver more than once: those processed after the offsets were last recorded before the
     * interruption ({@value #FLUSH_MS} ms of the run: about 4,000 rows at the 15,000 rows/s seen here), with room.
     */
    private static final int MAX_REDELIVERED = 5 * CHUNK;
    private static final String TABLE = "faults.history";
    private static final String EVENTS = "faults.event_audit";
    /**
     * Distinct {@code customer_id} values, the ordering column: the processor writes one transaction per value and
     * batch, so few values keep the 200,000 rows' audit quick.
     */
    private static final int FAMILIES = 8;
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final Duration CATCH_UP = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What the pipeline logs once it reads the binlog. */
    private static final String STREAMING = "' streaming";

    enum Interruption { SIGKILL, SIGTERM }

    @TempDir
    Path temp;

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(FullSuiteFlavors.class)
    void aBackfillKilledMidwayResumesAtItsLastRecordedChunkAndDeliversEveryRow(Flavor flavor) throws Exception {
        interruptAndResume(flavor, Interruption.SIGKILL);
    }

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(FullSuiteFlavors.class)
    void aBackfillStoppedCleanlyMidwayResumesAtItsLastRecordedChunkAndDeliversEveryRow(Flavor flavor)
            throws Exception {
        interruptAndResume(flavor, Interruption.SIGTERM);
    }

    private void interruptAndResume(Flavor flavor, Interruption how) throws Exception {
        int rows = Integer.getInteger("cdc.faults.backfill.rows", DEFAULT_ROWS);
        String name = "backfill-" + how.name().toLowerCase(Locale.ROOT);
        FaultReport report = new FaultReport(name + ":" + flavor);
        long testStart = System.nanoTime();
        try (FaultDatabase db = FaultDatabase.start(flavor)) {
            long fillStart = System.nanoTime();
            createAndFill(db, rows);
            report.print("%d rows in %s in %d ms", rows, TABLE, (System.nanoTime() - fillStart) / 1_000_000);

            Path stateDir = Files.createDirectories(temp.resolve("state"));
            Map<String, String> props = db.baseConfig(stateDir);
            props.put("processor.class", EventAuditProcessor.class.getName());
            props.put("processor." + EventAuditProcessor.OPTION, EVENTS);
            props.put("processor.threads", "2");
            props.put("processor.ordering.column", "customer_id");
            props.put("source.new.tables", "backfill");
            props.put("backfill.chunk.size", String.valueOf(CHUNK));
            // What a kill delivers again is what was processed since the offsets were last recorded (the engine's
            // offset names the last row of the run it sent): a quarter of a second of the run, so MAX_REDELIVERED
            // holds with room on a machine twice as fast as this one.
            props.put("state.offset.flush.interval.ms", String.valueOf(FLUSH_MS));
            String operations = System.getProperty("cdc.faults.backfill.operations", "");
            if (!operations.isBlank()) {
                props.put("source.operations", operations);
            }
            boolean updates = operations.contains("update");
            Path config = temp.resolve(name + ".properties");
            // First start: only faults.orders is captured; the state records that selection.
            FaultDatabase.writeConfig(config, props);
            Path logs = FaultSteps.logDir(temp, name, flavor);

            try (DaemonProcess daemon = new DaemonProcess(name, config, logs)) {
                daemon.start();
                FaultSteps.awaitStartPosition(daemon, stateDir, Duration.ofSeconds(60));
                FaultSteps.awaitWhileAlive(daemon, Duration.ofSeconds(60), "the first start to stream",
                        () -> daemon.outputText().contains(STREAMING));
                JsonNode capture = backfillRecord(stateDir);
                if (capture == null || capture.path("capture").path("tables").size() == 0) {
                    fail("the first start recorded no capture in " + stateDir.resolve("backfill.json") + ": "
                            + capture);
                }
                FaultSteps.stopCleanly(daemon);

                // Second start: faults.history is newly selected, so it is backfilled.
                props.put("source.tables", FaultDatabase.TABLE + "," + TABLE);
                FaultDatabase.writeConfig(config, props);
                daemon.start();
                FaultSteps.awaitWhileAlive(daemon, WAIT, "the backfill of " + TABLE + " to start",
                        () -> daemon.outputText().contains(" started: reading " + TABLE));
                long backfillStart = System.nanoTime();
                String run = runId(stateDir);
                report.print("backfill %s started on the second start", run);

                Writer writer = new Writer(db.server(), rows, 7).start();
                String delivered = "SELECT COUNT(*) FROM " + EVENTS + " WHERE backfill_run = '" + run + "'";
                long threshold = rows * 2L / 5;
                FaultSteps.awaitWhileAlive(daemon, WAIT, "the backfill to deliver " + threshold + " rows",
                        () -> db.count(delivered) >= threshold);
                long seenBefore = db.count(delivered);
                java.time.LocalTime interruptedAt = java.time.LocalTime.now();
                switch (how) {
                    case SIGKILL -> daemon.sigkill();
                    case SIGTERM -> FaultSteps.stopCleanly(daemon);
                }
                long deliveredBefore = db.count(delivered);
                long distinctBefore = db.count("SELECT COUNT(DISTINCT row_id) FROM " + EVENTS
                        + " WHERE backfill_run = '" + run + "'");
                String stateAfter = runState(stateDir, run);
                report.print("%s after %.1f s of backfill with %d rows seen delivered (%d distinct, %.0f%% of the "
                        + "table, %d at the last poll); the record says %s", how,
                        (System.nanoTime() - backfillStart) / 1e9, deliveredBefore, distinctBefore,
                        100.0 * distinctBefore / rows, seenBefore, stateAfter);
                if (distinctBefore >= rows || "COMPLETED".equals(stateAfter)) {
                    fail("the backfill finished before it was interrupted (" + how + "): the test proves nothing; "
                            + "raise -Dcdc.faults.backfill.rows (now " + rows + ")");
                }

                daemon.start();
                String completed = "backfill " + run + " completed";
                FaultSteps.awaitWhileAlive(daemon, WAIT, "the backfill to complete after the restart",
                        () -> daemon.outputText().contains(completed));
                double backfillSeconds = (System.nanoTime() - backfillStart) / 1e9;
                String restartOutput = daemon.outputText();

                writer.stop();
                long writtenOrders = writer.inserted();
                String unstreamed = "SELECT o.id FROM " + FaultDatabase.TABLE + " o LEFT JOIN " + EVENTS
                        + " e ON e.table_name = '" + FaultDatabase.TABLE + "' AND e.row_id = o.id"
                        + " WHERE e.row_id IS NULL ORDER BY o.id";
                boolean caughtUp = awaitQuietly(daemon, CATCH_UP, "streaming to process every row the writer "
                        + "inserted and every update it made", () -> ids(db, unstreamed).isEmpty()
                        && (!updates || db.count("SELECT COUNT(*) FROM " + EVENTS + " WHERE table_name = '"
                        + TABLE + "' AND op = 'UPDATE'") >= writer.updates()));
                List<Long> lostOrders = ids(db, unstreamed);
                if (!lostOrders.isEmpty()) {
                    report.print("%d rows of %s the writer inserted were never processed %d s after the writer "
                            + "stopped: %s; committed at %s; the daemon was interrupted at %s", lostOrders.size(),
                            FaultDatabase.TABLE, CATCH_UP.toSeconds(), sample(lostOrders),
                            writer.commitTimes(lostOrders), interruptedAt);
                    report.print("events processed for the rows around the first: %s", neighbours(db,
                            lostOrders.get(0)));
                }
                DaemonProcess.CommandResult status = DaemonProcess.runCommand(logs, "status-after-backfill",
                        "status", "--pid", String.valueOf(daemon.pid()));
                FaultSteps.stopCleanly(daemon);

                JsonNode record = runRecord(stateDir, run);
                long deliveries = db.count("SELECT COUNT(*) FROM " + EVENTS + " WHERE backfill_run = '" + run + "'");
                long distinct = db.count("SELECT COUNT(DISTINCT row_id) FROM " + EVENTS + " WHERE backfill_run = '"
                        + run + "' AND table_name = '" + TABLE + "' AND row_id BETWEEN 1 AND " + rows);
                String again = "SELECT row_id FROM " + EVENTS + " WHERE backfill_run = '" + run
                        + "' GROUP BY row_id HAVING COUNT(*) > 1";
                long moreThanOnce = db.count("SELECT COUNT(*) FROM (" + again + ") again");
                long redelivered = deliveries - distinct;
                String redeliveredIds = db.text("SELECT CONCAT(COALESCE(MIN(row_id), '-'), '..', "
                        + "COALESCE(MAX(row_id), '-')) FROM (" + again + ") again");
                List<Long> missing = missingRows(db, run, rows);
                List<Long> missingUnchanged = missingRows(db, run, rows, true);
                long otherRuns = db.count("SELECT COUNT(DISTINCT backfill_run) FROM " + EVENTS
                        + " WHERE backfill_run IS NOT NULL AND backfill_run <> '" + run + "'");
                long badIds = db.count("SELECT COUNT(*) FROM " + EVENTS + " WHERE backfill_run IS NOT NULL AND ("
                        + "op <> 'INSERT' OR table_name <> '" + TABLE + "' OR event_id <> CONCAT('backfill:', "
                        + "backfill_run, ':', table_name, ':', row_id))");
                long chunksRecorded = record.path("tableStates").path(TABLE).path("chunks").asLong(-1);
                String completion = restartOutput.lines().filter(l -> l.contains(completed)).findFirst().orElse("");
                Path deadLetters = stateDir.resolve("dead-letters.jsonl");

                report.print("rows=%d delivered by run %s: distinct=%d deliveries=%d delivered more than once=%d "
                        + "(ids %s; %d extra deliveries, %.1f chunks of %d; a run from zero would add about %d) "
                        + "missing=%d (of which never changed while the run read: %d) chunks recorded=%d "
                        + "(the table has %d) backfill time=%.1f s writer: %d orders inserted, %d history updates; "
                        + "total %d s",
                        rows, run, distinct, deliveries, moreThanOnce, redeliveredIds, redelivered,
                        (double) redelivered / CHUNK, CHUNK, deliveredBefore, missing.size(), missingUnchanged.size(),
                        chunksRecorded, (rows + CHUNK - 1) / CHUNK, backfillSeconds, writtenOrders, writer.updates(),
                        (System.nanoTime() - testStart) / 1_000_000_000);
                if (!missing.isEmpty()) {
                    report.print("rows the run did not deliver (id: amount now, updated by the writer, streamed "
                            + "events of the row): %s", describeRows(db, missing));
                }
                report.print("daemon: %s", completion.substring(Math.max(0, completion.indexOf("backfill "))));

                SoftAssertions soft = new SoftAssertions();
                soft.assertThat(lostOrders).as("rows of " + FaultDatabase.TABLE + " streaming never processed "
                        + "(caught up: " + caughtUp + ")").isEmpty();
                soft.assertThat(missingUnchanged).as("rows in the table before the run that the run never "
                        + "delivered, though no streamed change of theirs superseded its read").isEmpty();
                soft.assertThat(missing).as("rows in the table before the run that the run never delivered (a "
                        + "row the writer updated while its chunk was read may come as that update instead)")
                        .hasSizeLessThanOrEqualTo((int) writer.updates());
                soft.assertThat(redelivered).as("rows the run delivered more than once: the restart must resume "
                        + "at the last recorded chunk, not at the first").isLessThanOrEqualTo(MAX_REDELIVERED);
                soft.assertThat(deliveries).as("deliveries of the run").isLessThan(2L * rows);
                soft.assertThat(restartOutput).as("the restart says it resumes the run")
                        .contains("backfill " + run + " resumes at its last recorded chunk")
                        .doesNotContain("reading it again from its first chunk");
                soft.assertThat(record.path("state").asText()).as("the run's recorded state").isEqualTo("COMPLETED");
                soft.assertThat(record.path("problems").size()).as("the run's recorded problems: " + record)
                        .isZero();
                soft.assertThat(otherRuns).as("backfill runs other than " + run).isZero();
                soft.assertThat(badIds).as("backfilled events that are not inserts of " + TABLE + " with the id "
                        + "backfill:<run>:<table>:<key>").isZero();
                soft.assertThat(FaultSteps.absentOrEmpty(deadLetters)).as("no dead letter, but the store holds:\n"
                        + FaultSteps.readOrEmpty(deadLetters)).isTrue();
                soft.assertThat(status.exitCode()).as("status exit code after the backfill: " + status.output())
                        .isZero();
                soft.assertThat(status.output()).as("status after the backfill").contains(", healthy");
                soft.assertAll();
            }
        }
    }

    /** Like {@link FaultSteps#awaitWhileAlive}, but a timeout returns false (for a check that reports first). */
    private static boolean awaitQuietly(DaemonProcess daemon, Duration timeout, String what,
                                        java.util.concurrent.Callable<Boolean> condition) {
        try {
            FaultSteps.awaitWhileAlive(daemon, timeout, what, condition);
            return true;
        } catch (AssertionError e) {
            if (!daemon.isAlive()) {
                throw e;
            }
            return false;
        }
    }

    private static List<Long> ids(FaultDatabase db, String sql) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = db.pool().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    /** The events processed for {@code faults.orders} rows {@code id - 5 .. id + 5}: id, event id, times. */
    private static List<String> neighbours(FaultDatabase db, long id) throws SQLException {
        List<String> events = new ArrayList<>();
        try (Connection c = db.pool().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT row_id, event_id, COUNT(*) FROM " + EVENTS + " WHERE table_name = '"
                     + FaultDatabase.TABLE + "' AND row_id BETWEEN " + (id - 5) + " AND " + (id + 5)
                     + " GROUP BY row_id, event_id ORDER BY row_id, event_id")) {
            while (rs.next()) {
                events.add(rs.getLong(1) + " " + rs.getString(2) + " x" + rs.getInt(3));
            }
        }
        return events;
    }

    private static String sample(List<Long> ids) {
        return ids.subList(0, Math.min(20, ids.size())) + (ids.size() > 20 ? " and " + (ids.size() - 20) + " more"
                : "");
    }

    /** Creates {@value #TABLE} with rows {@code 1..rows} in big multi-row statements, and the event audit table. */
    private static void createAndFill(FaultDatabase db, int rows) throws SQLException {
        db.server().execute("CREATE TABLE " + TABLE + " (id BIGINT PRIMARY KEY, customer_id INT NOT NULL, "
                + "amount DECIMAL(12,2) NOT NULL, note VARCHAR(40) NOT NULL)",
                String.format(EventAuditProcessor.CREATE, EVENTS));
        try (Connection c = db.server().rootConnection(); Statement s = c.createStatement()) {
            for (int from = 1; from <= rows; from += 10_000) {
                StringBuilder insert = new StringBuilder("INSERT INTO " + TABLE
                        + " (id, customer_id, amount, note) VALUES ");
                for (int id = from; id < Math.min(rows + 1, from + 10_000); id++) {
                    insert.append(id == from ? "" : ",").append('(').append(id).append(',').append(id % FAMILIES)
                            .append(',').append(id % 1000).append(".25,'row ").append(id).append("')");
                }
                s.executeUpdate(insert.toString());
            }
        }
    }

    /** Rows {@code 1..rows} of the table with no event of {@code run}. */
    private static List<Long> missingRows(FaultDatabase db, String run, int rows) throws SQLException {
        return missingRows(db, run, rows, false);
    }

    /**
     * Rows {@code 1..rows} of the table with no event of {@code run}; with {@code unchanged}, only those no streamed
     * change of was processed either.
     */
    private static List<Long> missingRows(FaultDatabase db, String run, int rows, boolean unchanged)
            throws SQLException {
        String sql = "SELECT h.id FROM " + TABLE + " h LEFT JOIN " + EVENTS + " e ON e.table_name = '" + TABLE
                + "' AND e.row_id = h.id AND e.backfill_run = '" + run + "' WHERE h.id BETWEEN 1 AND " + rows
                + " AND e.row_id IS NULL"
                + (unchanged ? " AND NOT EXISTS (SELECT 1 FROM " + EVENTS + " s WHERE s.table_name = '" + TABLE
                + "' AND s.row_id = h.id AND s.backfill_run IS NULL)" : "")
                + " ORDER BY h.id LIMIT 1000";
        List<Long> ids = new ArrayList<>();
        try (Connection c = db.pool().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    /** For each of (at most 20 of) {@code ids}: its amount now, whether the writer updated it, its streamed events. */
    private static String describeRows(FaultDatabase db, List<Long> ids) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.pool().getConnection();
             PreparedStatement select = c.prepareStatement("SELECT h.amount, h.amount <> (h.id % 1000) + 0.25, "
                     + "(SELECT COUNT(*) FROM " + EVENTS + " e WHERE e.table_name = '" + TABLE + "' AND e.row_id = h.id"
                     + " AND e.backfill_run IS NULL) FROM " + TABLE + " h WHERE h.id = ?")) {
            for (long id : ids.subList(0, Math.min(20, ids.size()))) {
                select.setLong(1, id);
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    rows.add(id + ": " + rs.getBigDecimal(1) + (rs.getBoolean(2) ? " updated" : " unchanged") + ", "
                            + rs.getLong(3) + " streamed");
                }
            }
        }
        return rows + (ids.size() > 20 ? " and " + (ids.size() - 20) + " more" : "");
    }

    /** {@code state.dir/backfill.json}, or null before the daemon wrote it. */
    private static JsonNode backfillRecord(Path stateDir) {
        Path file = stateDir.resolve("backfill.json");
        try {
            return Files.exists(file) ? JSON.readTree(file.toFile()) : null;
        } catch (java.io.IOException e) {
            // Replaced atomically: an unreadable file is not expected, but a poll may try again.
            return null;
        }
    }

    /** The id of the run that backfills the new tables. */
    private static String runId(Path stateDir) {
        JsonNode record = backfillRecord(stateDir);
        if (record != null) {
            for (JsonNode run : record.path("runs")) {
                if (run.path("tables").toString().contains(TABLE)) {
                    return run.path("id").asText();
                }
            }
        }
        throw new AssertionError("no backfill run of " + TABLE + " in the record: " + record);
    }

    private static JsonNode runRecord(Path stateDir, String id) {
        JsonNode record = backfillRecord(stateDir);
        if (record != null) {
            for (JsonNode run : record.path("runs")) {
                if (id.equals(run.path("id").asText())) {
                    return run;
                }
            }
        }
        throw new AssertionError("no backfill run " + id + " in the record: " + record);
    }

    private static String runState(Path stateDir, String id) {
        return runRecord(stateDir, id).path("state").asText();
    }

    /**
     * Commits small transactions from its own thread until stopped, about 50 a second: each inserts one to three rows
     * of {@code faults.orders} (captured since the first start) and updates one row of the backfilled table. The
     * stream this makes also closes the backfill's chunk windows promptly.
     */
    private static final class Writer implements Runnable {

        private final LocalServer server;
        private final int rows;
        private final Random random;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong inserted = new AtomicLong();
        private final AtomicLong updates = new AtomicLong();
        /** The first orders id of each transaction, to the time its commit returned. */
        private final java.util.concurrent.ConcurrentSkipListMap<Long, java.time.LocalTime> commits =
                new java.util.concurrent.ConcurrentSkipListMap<>();
        private volatile Throwable failure;
        private Thread thread;

        Writer(LocalServer server, int rows, long seed) {
            this.server = server;
            this.rows = rows;
            this.random = new Random(seed);
        }

        Writer start() {
            thread = new Thread(this, "backfill-writer");
            thread.setDaemon(true);
            thread.start();
            return this;
        }

        /** Stops writing and rethrows a failure of the writer. */
        void stop() throws InterruptedException {
            stop.set(true);
            thread.join(Duration.ofSeconds(30).toMillis());
            if (failure != null) {
                throw new IllegalStateException("writer failed: " + failure, failure);
            }
        }

        long inserted() {
            return inserted.get();
        }

        long updates() {
            return updates.get();
        }

        /** When the transactions that inserted (up to 20 of) {@code ids} committed. */
        String commitTimes(List<Long> ids) {
            List<String> times = new ArrayList<>();
            for (long id : ids.subList(0, Math.min(20, ids.size()))) {
                Map.Entry<Long, java.time.LocalTime> commit = commits.floorEntry(id);
                times.add(id + "@" + (commit == null ? "?" : commit.getValue()));
            }
            return times.toString();
        }

        @Override
        public void run() {
            try (Connection c = DriverManager.getConnection(server.jdbcUrl("faults"), "root", "")) {
                c.setAutoCommit(false);
                long nextId = 1;
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + FaultDatabase.TABLE
                        + " (id, customer_id, amount) VALUES (?, ?, ?)");
                     PreparedStatement update = c.prepareStatement("UPDATE " + TABLE
                             + " SET amount = amount + 1 WHERE id = ?")) {
                    io.cdcrunner.load.Pacer pacer = new io.cdcrunner.load.Pacer(50);
                    while (!stop.get()) {
                        pacer.awaitNext();
                        int n = 1 + random.nextInt(3);
                        for (int i = 0; i < n; i++) {
                            insert.setLong(1, nextId++);
                            insert.setInt(2, random.nextInt(FAMILIES));
                            insert.setBigDecimal(3, java.math.BigDecimal.valueOf(1 + random.nextInt(99_999), 2));
                            insert.executeUpdate();
                        }
                        update.setLong(1, 1 + random.nextInt(rows));
                        int updated = update.executeUpdate();
                        c.commit();
                        commits.put(nextId - n, java.time.LocalTime.now());
                        inserted.addAndGet(n);
                        updates.addAndGet(updated);
                    }
                }
            } catch (Throwable e) {
                failure = e;
            }
        }
    }
}
