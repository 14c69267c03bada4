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
    private final int families;

    /** Row {@code id} belongs to family (customer) {@code id % families}. */
    PacedWriter(Connection connection, String table, int families) {
        this.connection = connection;
        this.table = table;
        this.families = families;
    }

    /** Inserts one row with {@code id} now and returns {@link System#nanoTime()} after its commit returned. */
    long insert(PreparedStatement insert, long id) throws SQLException {
        insert.setLong(1, id);
        insert.setInt(2, (int) (id % families));
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
        run(count, rate, startNanos, commitNanos, 0, 1);
    }

    /**
     * As {@link #run(int, int, long, long[])}, writing only the ids {@code writer, writer + writers, ...} of the
     * shared schedule: {@code writers} such writers on their own connections write the whole of it.
     */
    void run(int count, int rate, long startNanos, long[] commitNanos, int writer, int writers) throws SQLException {
        Pacer pacer = new Pacer(rate, startNanos);
        try (PreparedStatement insert = prepare()) {
            for (int i = writer; i < count; i += writers) {
                pacer.await(i);
                commitNanos[i] = insert(insert, i);
            }
        }
    }
}
