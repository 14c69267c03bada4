package io.cdcrunner.bench;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.locks.LockSupport;

/**
 * Inserts single rows in autocommit at a fixed rate and notes when each COMMIT returned. Paced on a fixed
 * schedule (row i is due at start + i / rate) with {@link LockSupport#parkNanos}: a writer that spins would
 * take a core from the daemon on a small machine, and one that sleeps a fixed time after each insert would
 * drift below the rate. A row that is late is written at once, so the schedule catches up.
 */
final class PacedWriter {

    private final Connection connection;
    private final String table;

    PacedWriter(Connection connection, String table) {
        this.connection = connection;
        this.table = table;
    }

    /** Inserts one row with {@code id} now and returns {@link System#nanoTime()} after its commit returned. */
    long insert(PreparedStatement insert, long id) throws SQLException {
        insert.setLong(1, id);
        insert.setInt(2, (int) (id % 1000));
        insert.setBigDecimal(3, BigDecimal.valueOf(id % 100_000, 2));
        insert.setString(4, "row " + id);
        insert.executeUpdate();
        return System.nanoTime();
    }

    PreparedStatement prepare() throws SQLException {
        connection.setAutoCommit(true);
        return connection.prepareStatement("INSERT INTO " + table + " (id, customer_id, amount, note) VALUES (?, ?, ?, ?)");
    }

    /**
     * Writes rows with ids {@code 0..count-1} at {@code rate} per second from {@code startNanos} and stores each
     * commit's return time in {@code commitNanos[id]}.
     */
    void run(int count, int rate, long startNanos, long[] commitNanos) throws SQLException {
        double interval = 1e9 / rate;
        try (PreparedStatement insert = prepare()) {
            for (int i = 0; i < count; i++) {
                long due = startNanos + (long) (i * interval);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                commitNanos[i] = insert(insert, i);
            }
        }
    }
}
