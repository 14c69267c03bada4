package io.cdcrunner.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.localdb.LocalMariaDb;
import io.cdcrunner.testkit.FaultTest;

/**
 * Rows far larger than the engine's usual events go through a daemon whose heap is a few times the largest row:
 * each is processed once with its payload exact, with no OutOfMemoryError and no dead letter, and so are the rows
 * before and after them. The daemon is a real process with a real {@code -Xmx}.
 *
 * <p>Both write a backlog while the daemon is stopped, as an outage or a restart leaves one, with small rows ahead of
 * the large ones: while the processor works through those, the engine reads on and queues the large rows, which is
 * where the count-bounded queue filled the heap (and a restart read the same rows again).
 *
 * <p>Sizes: {@code -Dcdc.faults.large.heap} (default {@value #DEFAULT_HEAP}); for the large rows
 * {@code -Dcdc.faults.large.ahead} (small rows ahead of them, one transaction, default {@value #DEFAULT_AHEAD}; the
 * issue's case is 1000000), {@code -Dcdc.faults.large.rows} (rows of 16 MB, default {@value #DEFAULT_LARGE_ROWS}) and
 * {@code -Dcdc.faults.large.biggest.mb} (the largest row, default {@value #DEFAULT_BIGGEST_MB}; one of half its size
 * comes before it); for the transaction {@code -Dcdc.faults.transaction.rows} (default
 * {@value #DEFAULT_TRANSACTION_ROWS}), the last {@code -Dcdc.faults.transaction.large.rows} of them (default
 * {@value #DEFAULT_TRANSACTION_LARGE_ROWS}) of {@code -Dcdc.faults.transaction.row.kb} (default
 * {@value #DEFAULT_TRANSACTION_ROW_KB}). More daemon JVM options (a heap dump on OutOfMemoryError, another collector)
 * go in {@code -Dcdc.faults.large.jvm}, separated by spaces. Each test takes about 30 s on 2 cores.
 */
@FaultTest
class LargeRowsFaultTest {

    static final String DEFAULT_HEAP = "256m";
    static final int DEFAULT_AHEAD = 20_000;
    static final int DEFAULT_LARGE_ROWS = 10;
    static final int DEFAULT_BIGGEST_MB = 64;
    static final int DEFAULT_TRANSACTION_ROWS = 40_000;
    static final int DEFAULT_TRANSACTION_LARGE_ROWS = 10_000;
    static final int DEFAULT_TRANSACTION_ROW_KB = 32;

    private static final String TABLE = "faults.documents";
    private static final String AUDIT = "faults.payload_audit";
    private static final int MB = 1024 * 1024;
    /** The payloads repeat a row's SHA-256 in hex: 64 bytes, different for every row. */
    private static final int PATTERN = 64;
    private static final int SMALL_ROWS = 100;
    /** What the pipeline logs once it reads the binlog. */
    private static final String STREAMING = "' streaming";

    @TempDir
    Path temp;

    @Test
    void rowsOf16To64MegabytesAmongSmallRowsAreEachProcessedOnceWithAHeapAFewTimesTheLargest() throws Exception {
        int largeRows = Integer.getInteger("cdc.faults.large.rows", DEFAULT_LARGE_ROWS);
        int biggest = Integer.getInteger("cdc.faults.large.biggest.mb", DEFAULT_BIGGEST_MB);
        int ahead = Integer.getInteger("cdc.faults.large.ahead", DEFAULT_AHEAD);
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < largeRows; i++) {
            sizes.add(16 * MB);
        }
        sizes.add(biggest / 2 * MB);
        sizes.add(biggest * MB);
        run("large-rows", ahead, (db, next) -> {
            for (int size : sizes) {
                insertOne(db, next.getAndIncrement(), size);
            }
            return String.format("%d rows of 16 MB, one of %d MB and one of %d MB", largeRows, biggest / 2, biggest);
        });
    }

    @Test
    void aLargeTransactionAndTheRowsAfterItAreEachProcessedOnceWithASmallHeap() throws Exception {
        int rows = Integer.getInteger("cdc.faults.transaction.rows", DEFAULT_TRANSACTION_ROWS);
        int largeRows = Integer.getInteger("cdc.faults.transaction.large.rows", DEFAULT_TRANSACTION_LARGE_ROWS);
        int rowKb = Integer.getInteger("cdc.faults.transaction.row.kb", DEFAULT_TRANSACTION_ROW_KB);
        run("large-transaction", SMALL_ROWS, (db, next) -> {
            long first = next.getAndAdd(rows);
            long firstLarge = first + rows - largeRows;
            // Its small rows keep the processor busy while the engine reads the large ones at its end.
            db.execute("INSERT INTO " + TABLE + " SELECT seq, REPEAT(SHA2(seq, 256), IF(seq < " + firstLarge + ", 2, "
                    + rowKb * 1024 / PATTERN + ")) FROM faults.seq_" + first + "_to_" + (first + rows - 1));
            return String.format("one transaction of %,d rows, the last %,d of %d KB (%,d MB)", rows, largeRows, rowKb,
                    (long) largeRows * rowKb / 1024);
        });
    }

    @FunctionalInterface
    private interface Writes {
        /** Writes the rows under test, taking ids from {@code next}; returns what it wrote, for the report. */
        String write(LocalMariaDb db, AtomicLong next) throws Exception;
    }

    /**
     * Writes {@code smallRowsAhead} small rows, then {@code writes}, then more small rows while the daemon is stopped,
     * starts it and checks every row once it processed them all.
     */
    private void run(String name, int smallRowsAhead, Writes writes) throws Exception {
        String heap = System.getProperty("cdc.faults.large.heap", DEFAULT_HEAP);
        FaultReport report = new FaultReport(name);
        try (LocalMariaDb db = LocalMariaDb.builder()
                .serverArg("--max-allowed-packet=1G")
                .serverArg("--innodb-log-file-size=512M")
                .start()) {
            db.createCdcUser(FaultDatabase.USER, FaultDatabase.PASSWORD);
            db.execute("CREATE DATABASE faults",
                    "CREATE TABLE " + TABLE + " (id BIGINT PRIMARY KEY, payload LONGBLOB NOT NULL)",
                    "CREATE TABLE " + AUDIT + " (row_id BIGINT PRIMARY KEY, times INT NOT NULL, bytes BIGINT NOT NULL,"
                            + " crc BIGINT NOT NULL)");
            Path stateDir = Files.createDirectories(temp.resolve("state"));
            Path logs = FaultSteps.logDir(temp, name);
            Path gcLog = logs.resolve(name + "-gc.log");
            Path config = FaultDatabase.writeConfig(temp.resolve(name + ".properties"), config(db, stateDir));
            try (DaemonProcess daemon = new DaemonProcess(name, config, logs)) {
                List<String> jvm = new ArrayList<>(List.of("-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError",
                        "-Xlog:gc:file=" + gcLog));
                String extra = System.getProperty("cdc.faults.large.jvm", "");
                if (!extra.isBlank()) {
                    jvm.addAll(List.of(extra.trim().split("\\s+")));
                }
                daemon.start(jvm.toArray(String[]::new));
                // A first run records where reading starts (and the table definitions); the rows come after it.
                FaultSteps.awaitWhileAlive(daemon, Duration.ofSeconds(60), "the daemon to stream",
                        () -> daemon.outputText().contains(STREAMING));
                FaultSteps.stopCleanly(daemon);
                AtomicLong next = new AtomicLong(1);
                long writing = System.nanoTime();
                insertSmall(db, next, smallRowsAhead);
                String wrote = writes.write(db, next);
                insertSmall(db, next, SMALL_ROWS);
                long written = next.get() - 1;
                report.print("wrote %,d small rows, %s, %d small rows in %d ms; starting the daemon with -Xmx%s",
                        smallRowsAhead, wrote, SMALL_ROWS, (System.nanoTime() - writing) / 1_000_000, heap);
                daemon.start(jvm.toArray(String[]::new));
                long started = System.nanoTime();

                FaultSteps.awaitWhileAlive(daemon, Duration.ofSeconds(240 + written / 2_000), "every row to be processed",
                        () -> unprocessed(db) == 0);
                long drained = (System.nanoTime() - started) / 1_000_000;
                long peakRssKb = peakRssKb(daemon.pid());
                FaultSteps.stopCleanly(daemon);

                String output = daemon.outputText();
                Checked checked = check(db);
                long[] heapPeaks = heapPeaks(gcLog);
                report.print("rows=%d processed=%d applied twice or more=%d payloads differing=%d; drained in %d ms "
                        + "(start-up included); heap used at most %d MB, live after a full collection at most %d MB, "
                        + "peak RSS %d MB",
                        written, checked.processed(), checked.repeated().size(), checked.differing().size(), drained,
                        heapPeaks[0], heapPeaks[1], peakRssKb / 1024);

                SoftAssertions soft = new SoftAssertions();
                soft.assertThat(checked.processed()).as("rows processed").isEqualTo(written);
                soft.assertThat(checked.repeated()).as("rows whose effect was applied more than once").isEmpty();
                soft.assertThat(checked.differing()).as("rows whose payload reached the processor changed").isEmpty();
                soft.assertThat(output).as("daemon output").doesNotContain("OutOfMemoryError");
                Path deadLetters = stateDir.resolve("dead-letters.jsonl");
                soft.assertThat(FaultSteps.absentOrEmpty(deadLetters)).as("the dead-letter store is empty").isTrue();
                soft.assertAll();
            }
        }
    }

    private static Map<String, String> config(LocalMariaDb db, Path stateDir) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("pipeline.name", FaultDatabase.PIPELINE);
        props.put("source.host", db.host());
        props.put("source.port", String.valueOf(db.port()));
        props.put("source.user", FaultDatabase.USER);
        props.put("source.password", FaultDatabase.PASSWORD);
        props.put("source.tables", TABLE);
        props.put("state.dir", stateDir.toString());
        props.put("shutdown.timeout.ms", "20000");
        props.put("processor.class", PayloadAuditProcessor.class.getName());
        props.put("processor.payload.audit.table", AUDIT);
        props.put("processor.ledger.table", FaultDatabase.LEDGER);
        props.put("processor.threads", "2");
        return props;
    }

    private static void insertSmall(LocalMariaDb db, AtomicLong next, int rows) {
        long first = next.getAndAdd(rows);
        db.execute("INSERT INTO " + TABLE + " SELECT seq, REPEAT(SHA2(seq, 256), 2) FROM faults.seq_" + first
                + "_to_" + (first + rows - 1));
    }

    /** One row of {@code bytes} (a multiple of 64), in its own transaction. */
    private static void insertOne(LocalMariaDb db, long id, int bytes) throws SQLException {
        try (Connection c = db.rootConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO " + TABLE
                     + " (id, payload) VALUES (?, REPEAT(SHA2(?, 256), ?))")) {
            insert.setLong(1, id);
            insert.setLong(2, id);
            insert.setInt(3, bytes / PATTERN);
            insert.executeUpdate();
        }
    }

    private static long unprocessed(LocalMariaDb db) throws SQLException {
        try (Connection c = db.rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + TABLE + " d LEFT JOIN " + AUDIT
                     + " a ON a.row_id = d.id WHERE a.row_id IS NULL")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** What the processor recorded, against the rows on the server. */
    private record Checked(long processed, List<Long> repeated, List<String> differing) {
    }

    private static Checked check(LocalMariaDb db) throws SQLException {
        long processed = 0;
        List<Long> repeated = new ArrayList<>();
        List<String> differing = new ArrayList<>();
        try (Connection c = db.rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT d.id, LENGTH(d.payload), CRC32(d.payload), a.times, a.bytes, a.crc"
                     + " FROM " + TABLE + " d JOIN " + AUDIT + " a ON a.row_id = d.id")) {
            while (rs.next()) {
                processed++;
                long id = rs.getLong(1);
                if (rs.getInt(4) != 1) {
                    repeated.add(id);
                }
                if (rs.getLong(2) != rs.getLong(5) || rs.getLong(3) != rs.getLong(6)) {
                    differing.add(id + ": " + rs.getLong(2) + " bytes, crc " + rs.getLong(3) + " on the server; "
                            + rs.getLong(5) + " bytes, crc " + rs.getLong(6) + " processed");
                }
            }
        }
        return new Checked(processed, repeated, differing);
    }

    /** The process's peak resident set so far ({@code VmHWM}), in KB; -1 where /proc does not tell. */
    private static long peakRssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static final Pattern COLLECTION = Pattern.compile("Pause (\\w+).*?(\\d+)M->(\\d+)M\\(\\d+M\\)");

    /**
     * From the daemon's GC log, in MB: the most heap in use before a collection, and the most left after a full
     * collection (what the daemon really held at its fullest), or after any collection when no full one ran.
     */
    private static long[] heapPeaks(Path gcLog) throws java.io.IOException {
        long used = 0;
        long live = 0;
        long afterAny = 0;
        if (Files.exists(gcLog)) {
            Matcher m = COLLECTION.matcher(Files.readString(gcLog));
            while (m.find()) {
                used = Math.max(used, Long.parseLong(m.group(2)));
                afterAny = Math.max(afterAny, Long.parseLong(m.group(3)));
                if (m.group(1).equals("Full")) {
                    live = Math.max(live, Long.parseLong(m.group(3)));
                }
            }
        }
        return new long[] {used, live > 0 ? live : afterAny};
    }
}
