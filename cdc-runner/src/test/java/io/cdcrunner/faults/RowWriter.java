package io.cdcrunner.faults;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import io.cdcrunner.load.Pacer;
import io.cdcrunner.localdb.LocalServer;

/**
 * Inserts rows {@code firstId .. firstId+count-1} into {@code faults.orders} from its own thread, in statements of
 * 1 to {@code maxRowsPerStatement} rows (one transaction each, sizes drawn from a seeded {@link Random}), spread
 * over {@code families} customers, paced to a target rate.
 *
 * <p>It survives the database going away: a failed statement is retried (as {@code INSERT IGNORE}, since
 * the failure may have come after the commit) on a new connection until the server is back, for at most
 * two minutes. The source table, not this writer's count, is the truth the tests compare against.
 */
final class RowWriter implements Runnable {

    private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(2);

    private final LocalServer server;
    private final long firstId;
    private final int count;
    private final Random random;
    private final int maxRowsPerStatement;
    private final int families;
    private final double rowsPerSecond;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failedStatements = new AtomicLong();
    private volatile Throwable failure;
    private Thread thread;

    /**
     * @param rowsPerSecond target pace; 0 means as fast as possible
     */
    RowWriter(LocalServer server, long firstId, int count, long seed, int maxRowsPerStatement, int families,
              double rowsPerSecond) {
        this.server = server;
        this.firstId = firstId;
        this.count = count;
        this.random = new Random(seed);
        this.maxRowsPerStatement = maxRowsPerStatement;
        this.families = families;
        this.rowsPerSecond = rowsPerSecond;
    }

    RowWriter start() {
        thread = new Thread(this, "fault-writer");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** Waits for the writer to finish and rethrows its failure. */
    void join(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
        if (thread.isAlive()) {
            throw new IllegalStateException("writer still running after " + timeout.toSeconds() + " s, "
                    + written.get() + " of " + count + " rows written");
        }
        if (failure != null) {
            throw new IllegalStateException("writer failed after " + written.get() + " rows: " + failure, failure);
        }
    }

    boolean isDone() {
        return thread != null && !thread.isAlive();
    }

    /** Rows whose insert statement returned. */
    long written() {
        return written.get();
    }

    /** Statements that failed (and were retried) while the database was away. */
    long failedStatements() {
        return failedStatements.get();
    }

    @Override
    public void run() {
        Pacer pacer = new Pacer(rowsPerSecond);
        Connection connection = null;
        try {
            long next = firstId;
            long end = firstId + count;
            while (next < end) {
                int rows = (int) Math.min(end - next, 1 + random.nextInt(maxRowsPerStatement));
                String values = values(next, rows);
                connection = insertSurvivingOutages(connection, values);
                next += rows;
                written.addAndGet(rows);
                pacer.await(next - firstId);
            }
        } catch (Throwable e) {
            failure = e;
        } finally {
            closeQuietly(connection);
        }
    }

    private String values(long first, int rows) {
        StringBuilder sql = new StringBuilder();
        for (long id = first; id < first + rows; id++) {
            if (sql.length() > 0) {
                sql.append(',');
            }
            BigDecimal amount = BigDecimal.valueOf(1 + random.nextInt(99_999), 2);
            sql.append('(').append(id).append(',').append(random.nextInt(families)).append(',')
                    .append(amount.toPlainString()).append(')');
        }
        return sql.toString();
    }

    private Connection insertSurvivingOutages(Connection connection, String values) throws InterruptedException {
        long deadline = System.nanoTime() + GIVE_UP_AFTER.toNanos();
        boolean retry = false;
        while (true) {
            try {
                if (connection == null) {
                    connection = DriverManager.getConnection(server.jdbcUrl("faults"), "root", "");
                }
                try (Statement statement = connection.createStatement()) {
                    statement.executeUpdate((retry ? "INSERT IGNORE" : "INSERT") + " INTO " + FaultDatabase.TABLE
                            + " (id, customer_id, amount) VALUES " + values);
                }
                return connection;
            } catch (SQLException e) {
                failedStatements.incrementAndGet();
                closeQuietly(connection);
                connection = null;
                retry = true;
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("database unreachable for " + GIVE_UP_AFTER.toSeconds()
                            + " s: " + e.getMessage(), e);
                }
                Thread.sleep(100);
            }
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // The server may be gone; nothing to release then.
            }
        }
    }
}
