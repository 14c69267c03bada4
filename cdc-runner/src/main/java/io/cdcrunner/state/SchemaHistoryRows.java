package io.cdcrunner.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A pipeline's schema history in the state server's table: one row per record, in the order of the sequence the
 * database assigns. A record the engine stores waits here until the next offsets are written, in their transaction:
 * the engine records the tables' definitions while its snapshot holds the server's global read lock, which would block
 * an insert of its own, and offsets never pass a statement whose record is not stored (a crash before reads the
 * statement again).
 */
final class SchemaHistoryRows {

    static final String CURRENT = "";

    private final String pipeline;
    private final String table;
    private final StateServer server;
    /** History records the engine stored since the last offsets write, oldest first. */
    private final List<String> pending = new ArrayList<>();

    SchemaHistoryRows(String pipeline, String table, StateServer server) {
        this.pipeline = pipeline;
        this.table = table;
        this.server = server;
    }

    void append(String record) {
        synchronized (pending) {
            pending.add(record);
        }
    }

    /** The records not yet written, to {@link #insert} with the offsets and {@link #written} after the commit. */
    List<String> pending() {
        synchronized (pending) {
            return List.copyOf(pending);
        }
    }

    /** The first {@code records.size()} pending records are stored. */
    void written(List<String> records) {
        synchronized (pending) {
            pending.subList(0, Math.min(records.size(), pending.size())).clear();
        }
    }

    void discardPending() {
        synchronized (pending) {
            pending.clear();
        }
    }

    void insert(Connection c, List<String> records) throws SQLException {
        if (records.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table
                + " (pipeline, label, record, epoch) VALUES (?, ?, ?, ?)")) {
            for (String record : records) {
                insert.setString(1, pipeline);
                insert.setString(2, CURRENT);
                insert.setString(3, record);
                insert.setLong(4, server.epoch());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    boolean any() {
        if (!pending().isEmpty()) {
            return true;
        }
        return server.query(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT 1 FROM " + table
                    + " WHERE pipeline = ? AND label = ? LIMIT 1")) {
                select.setString(1, pipeline);
                select.setString(2, CURRENT);
                try (ResultSet row = select.executeQuery()) {
                    return row.next();
                }
            }
        });
    }

    /** The stored records, then the pending ones. */
    List<String> all() {
        return server.query(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT record FROM " + table
                    + " WHERE pipeline = ? AND label = ? ORDER BY seq")) {
                select.setString(1, pipeline);
                select.setString(2, CURRENT);
                List<String> records = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        records.add(rows.getString(1));
                    }
                }
                records.addAll(pending());
                return records;
            }
        });
    }

    /** Sets the current rows of {@code table} aside under {@code label}. */
    static void relabel(Connection c, String table, String pipeline, String label) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE " + table + " SET label = ? WHERE pipeline = ?"
                + " AND label = ?")) {
            // A label used before (the same statement recovered twice) gets the time to stay apart.
            update.setString(1, label + "@" + System.currentTimeMillis());
            update.setString(2, pipeline);
            update.setString(3, CURRENT);
            update.executeUpdate();
        }
    }
}
