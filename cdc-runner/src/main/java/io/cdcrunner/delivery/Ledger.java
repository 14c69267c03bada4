package io.cdcrunner.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Statement;

import javax.sql.DataSource;

import io.cdcrunner.processor.ChangeEvent;

/**
 * The ledger of events a {@link io.cdcrunner.processor.TransactionalProcessor} committed: one row per
 * event id, written in the processor's own transaction, so an event's effects and its ledger entry commit
 * or roll back together.
 */
public final class Ledger {

    private final String table;
    private final String pipeline;

    /** @param table {@code database.table}, already validated as two plain identifiers */
    public Ledger(String table, String pipeline) {
        this.table = table;
        this.pipeline = pipeline;
    }

    /** Creates the ledger's database and table if missing. */
    public void create(DataSource dataSource) throws SQLException {
        String database = table.substring(0, table.indexOf('.'));
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS " + database);
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
                    + "pipeline VARCHAR(100) NOT NULL, "
                    + "event_id VARCHAR(255) NOT NULL, "
                    + "binlog_file VARCHAR(255) NOT NULL, "
                    + "binlog_pos BIGINT NOT NULL, "
                    + "recorded_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), "
                    + "PRIMARY KEY (pipeline, event_id), "
                    + "KEY by_position (pipeline, binlog_file, binlog_pos))");
        }
    }

    /**
     * Records the event in {@code transaction}.
     *
     * @return false if the event is already recorded (a redelivery: skip it)
     */
    public boolean record(Connection transaction, ChangeEvent event) throws SQLException {
        try (PreparedStatement insert = transaction.prepareStatement("INSERT INTO " + table
                + " (pipeline, event_id, binlog_file, binlog_pos) VALUES (?, ?, ?, ?)")) {
            insert.setString(1, pipeline);
            insert.setString(2, event.eventId());
            insert.setString(3, event.position().binlogFile());
            insert.setLong(4, event.position().binlogPosition());
            insert.executeUpdate();
            return true;
        } catch (SQLIntegrityConstraintViolationException duplicate) {
            return false;
        }
    }

    /**
     * Deletes the entries of events before the given binlog position. Safe only for a position the
     * recorded offset has passed: the engine never delivers those events again.
     *
     * @return entries deleted
     */
    public int pruneBefore(DataSource dataSource, String binlogFile, long binlogPosition) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement delete = c.prepareStatement("DELETE FROM " + table + " WHERE pipeline = ? AND "
                     + "(binlog_file < ? OR (binlog_file = ? AND binlog_pos < ?))")) {
            c.setAutoCommit(true);
            delete.setString(1, pipeline);
            delete.setString(2, binlogFile);
            delete.setString(3, binlogFile);
            delete.setLong(4, binlogPosition);
            return delete.executeUpdate();
        }
    }
}
