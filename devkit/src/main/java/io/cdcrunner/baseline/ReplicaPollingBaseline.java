package io.cdcrunner.baseline;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

import io.cdcrunner.load.ConcurrentWriters;
import io.cdcrunner.load.Pacer;

/**
 * The approach cdc-runner replaces, kept as a baseline to measure against (not a product feature): the
 * writer commits a row on the primary and hands its id to readers in the same process; a reader asks the
 * replica for that id, and while it is missing asks again after 10 ms, 20 ms, 40 ms... up to every second.
 * Measured: queries per record and the latency from the writer's COMMIT to the read that found the row.
 */
public final class ReplicaPollingBaseline {

    private static final long FIRST_BACKOFF_MS = 10;
    private static final long MAX_BACKOFF_MS = 1_000;
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(120);

    private final DataSource primary;
    private final DataSource replica;
    private final String table;
    private final int readerThreads;

    /**
     * What a run measured.
     *
     * @param records        rows written
     * @param visible        rows a reader found on the replica
     * @param queries        queries the readers sent to the replica
     * @param latencyMicros  commit-to-visible latency of the found rows, in microseconds
     * @param seconds        wall time from the first write to the last row found
     */
    public record Result(long records, long visible, long queries, Histogram latencyMicros, double seconds) {

        public double queriesPerRecord() {
            return visible == 0 ? 0 : (double) queries / visible;
        }
    }

    /**
     * @param primary       where the writer inserts
     * @param replica       where readers look for the rows
     * @param table         {@code database.table}, created by {@link #createTable}
     * @param readerThreads size of the readers' thread pool
     */
    public ReplicaPollingBaseline(DataSource primary, DataSource replica, String table, int readerThreads) {
        this.primary = primary;
        this.replica = replica;
        this.table = table;
        this.readerThreads = readerThreads;
    }

    /** Creates the table the baseline writes ({@code id, family, payload}). */
    public static void createTable(Connection connection, String table) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, "
                    + "family INT NOT NULL, payload VARCHAR(64) NOT NULL, KEY by_family (family))");
        }
    }

    /** Writes {@code rows} rows from {@code writers} connections at {@code ratePerSecond} in total and waits for every read. */
    public Result run(int rows, int writers, int ratePerSecond) throws InterruptedException {
        ScheduledExecutorService readers = Executors.newScheduledThreadPool(readerThreads, r -> {
            Thread t = new Thread(r, "baseline-reader");
            t.setDaemon(true);
            return t;
        });
        Histogram latency = new SynchronizedHistogram(3_600_000_000L, 3);
        AtomicLong queries = new AtomicLong();
        AtomicLong visible = new AtomicLong();
        CountDownLatch done = new CountDownLatch(rows);
        long started = System.nanoTime();
        try {
            ConcurrentWriters.run("baseline-writer", rows, writers, (writer, share) -> write(writer, writers, share,
                    ratePerSecond, id -> readers.execute(new Poll(id, System.nanoTime(), readers, queries, visible,
                            latency, done))));
            done.await(GIVE_UP_NANOS + TimeUnit.SECONDS.toNanos(10), TimeUnit.NANOSECONDS);
        } finally {
            readers.shutdownNow();
        }
        return new Result(rows, visible.get(), queries.get(), latency.copy(), (System.nanoTime() - started) / 1e9);
    }

    private void write(int writer, int writers, int count, int ratePerSecond, java.util.function.LongConsumer enqueue) {
        Pacer pacer = new Pacer((double) ratePerSecond / writers);
        try (Connection c = primary.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " (family, payload) VALUES (?, ?)",
                     Statement.RETURN_GENERATED_KEYS)) {
            c.setAutoCommit(true);
            for (int i = 0; i < count; i++) {
                pacer.awaitNext();
                insert.setInt(1, writer * 1_000 + i % 100);
                insert.setString(2, "baseline " + writer + "/" + i);
                insert.executeUpdate();
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    keys.next();
                    enqueue.accept(keys.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("baseline writer " + writer + " failed: " + e.getMessage(), e);
        }
    }

    /** One record's reads: query, and while the row is missing, query again after a doubling pause. */
    private final class Poll implements Runnable {
        private final long id;
        private final long committedNanos;
        private final ScheduledExecutorService readers;
        private final AtomicLong queries;
        private final AtomicLong visible;
        private final Histogram latency;
        private final CountDownLatch done;
        private long backoffMs = FIRST_BACKOFF_MS;

        Poll(long id, long committedNanos, ScheduledExecutorService readers, AtomicLong queries, AtomicLong visible,
             Histogram latency, CountDownLatch done) {
            this.id = id;
            this.committedNanos = committedNanos;
            this.readers = readers;
            this.queries = queries;
            this.visible = visible;
            this.latency = latency;
            this.done = done;
        }

        @Override
        public void run() {
            boolean found;
            try (Connection c = replica.getConnection();
                 PreparedStatement s = c.prepareStatement("SELECT 1 FROM " + table + " WHERE id = ?")) {
                s.setLong(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    found = rs.next();
                }
            } catch (SQLException e) {
                found = false;
            }
            queries.incrementAndGet();
            long now = System.nanoTime();
            if (found) {
                visible.incrementAndGet();
                latency.recordValue(Math.max(0, (now - committedNanos) / 1_000));
                done.countDown();
            } else if (now - committedNanos > GIVE_UP_NANOS) {
                done.countDown();
            } else {
                readers.schedule(this, backoffMs, TimeUnit.MILLISECONDS);
                backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
            }
        }
    }
}
