package io.cdcrunner.faults;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.regex.Pattern;

/**
 * The audit table the fault-test processors write: one row per processed source row id, counting how many
 * times its effect was applied, and the amount the last application saw. After a fault run every id must be there
 * exactly once ({@code times = 1}), with the row's amount as the table holds it.
 */
final class AuditTable {

    /** Processor option naming the table, {@code db.table}. */
    static final String OPTION = "audit.table";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_$]{1,64}(\\.[A-Za-z0-9_$]{1,64})?");

    private final String table;

    private AuditTable(String table) {
        this.table = table;
    }

    /** @throws IllegalArgumentException when the name is not {@code db.table} or {@code table} of plain identifiers */
    static AuditTable named(String table) {
        if (!NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("processor." + OPTION + "=" + table + " must be db.table or table");
        }
        return new AuditTable(table);
    }

    /** Counts one application of {@code rowId}'s effect, which saw {@code amount}, in {@code transaction}. */
    void record(Connection transaction, long rowId, BigDecimal amount) throws SQLException {
        try (PreparedStatement insert = transaction.prepareStatement("INSERT INTO " + table
                + " (row_id, times, last_amount) VALUES (?, 1, ?) ON DUPLICATE KEY UPDATE times = times + 1,"
                + " last_amount = VALUES(last_amount)")) {
            insert.setLong(1, rowId);
            insert.setBigDecimal(2, amount);
            insert.executeUpdate();
        }
    }

    /** Fails at open when the table is missing, rather than on every event. */
    void check(Connection connection) throws SQLException {
        try (var statement = connection.createStatement()) {
            statement.executeQuery("SELECT row_id, times FROM " + table + " WHERE 1 = 0").close();
        }
    }
}
