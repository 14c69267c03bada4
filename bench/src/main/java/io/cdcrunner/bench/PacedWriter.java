package io.cdcrunner.bench;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import io.cdcrunner.load.Pacer;

/**
 * Inserts single rows in autocommit at a fixed rate ({@link Pacer}) and notes when each COMMIT returned.
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
        Pacer pacer = new Pacer(rate, startNanos);
        try (PreparedStatement insert = prepare()) {
            for (int i = 0; i < count; i++) {
                pacer.await(i);
                commitNanos[i] = insert(insert, i);
            }
        }
    }
}
