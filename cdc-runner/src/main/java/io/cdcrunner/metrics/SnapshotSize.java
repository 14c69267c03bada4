package io.cdcrunner.metrics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;

import io.cdcrunner.source.SourceAccess;
import io.cdcrunner.config.SourceSettings;

/**
 * The server's row-count estimate of the tables a snapshot reads ({@code information_schema.TABLES.TABLE_ROWS}):
 * exact for MyISAM, within tens of percent for InnoDB, which is enough for a progress line.
 */
final class SnapshotSize {

    private SnapshotSize() {
    }

    /** Estimated rows of the {@code database.table} names; -1 when unknown. */
    static long estimate(SourceSettings source, List<String> tables) {
        if (tables.isEmpty()) {
            return -1;
        }
        String marks = String.join(",", Collections.nCopies(tables.size(), "?"));
        try (Connection connection = SourceAccess.of(source).connect();
             PreparedStatement query = connection.prepareStatement("SELECT SUM(TABLE_ROWS) FROM information_schema.TABLES"
                     + " WHERE CONCAT(TABLE_SCHEMA, '.', TABLE_NAME) IN (" + marks + ")")) {
            for (int i = 0; i < tables.size(); i++) {
                query.setString(i + 1, tables.get(i));
            }
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() && rows.getObject(1) != null ? rows.getLong(1) : -1;
            }
        } catch (SQLException e) {
            return -1;
        }
    }
}
