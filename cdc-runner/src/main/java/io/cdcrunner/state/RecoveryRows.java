package io.cdcrunner.state;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import io.cdcrunner.state.StateStore.Recovery;

/** A pipeline's schema recoveries in the state server's table, in the order they were added. */
final class RecoveryRows {

    private final String pipeline;
    private final String table;
    private final StateServer server;

    RecoveryRows(String pipeline, String table, StateServer server) {
        this.pipeline = pipeline;
        this.table = table;
        this.server = server;
    }

    List<Recovery> all() {
        return server.query(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT binlog_file, binlog_pos, statement FROM "
                    + table + " WHERE pipeline = ? ORDER BY seq")) {
                select.setString(1, pipeline);
                List<Recovery> all = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        all.add(new Recovery(rows.getString(1), rows.getLong(2), rows.getString(3)));
                    }
                }
                return all;
            }
        });
    }

    void add(Recovery recovery) {
        server.write(c -> {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table
                    + " (pipeline, binlog_file, binlog_pos, statement, epoch) VALUES (?, ?, ?, ?, ?)")) {
                insert.setString(1, pipeline);
                insert.setString(2, recovery.file());
                insert.setLong(3, recovery.pos());
                insert.setString(4, recovery.statement());
                insert.setLong(5, server.epoch());
                insert.executeUpdate();
            }
        });
    }
}
