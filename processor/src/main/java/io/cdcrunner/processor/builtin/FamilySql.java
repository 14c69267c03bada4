package io.cdcrunner.processor.builtin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The family table as found in the database, and the SQL run against it and its summary table.
 * Built by {@link #inspect}, which also rejects columns of types the summary cannot represent exactly.
 */
final class FamilySql {

    private static final Set<String> INTEGER_TYPES = Set.of("tinyint", "smallint", "mediumint", "int", "bigint");
    private static final Set<String> NUMERIC_TYPES =
            Set.of("tinyint", "smallint", "mediumint", "int", "bigint", "decimal", "float", "double");
    private static final Set<String> TEXT_TYPES = Set.of("char", "varchar", "enum");
    // Types whose Java value (see Row) prints exactly as the server converts the column to text, so a
    // family key written by process() is the same string the SQL recomputation produces.
    private static final Set<String> FAMILY_TYPES = Set.of(
            "tinyint", "smallint", "mediumint", "int", "bigint", "decimal", "char", "varchar", "enum", "date");
    private static final Pattern CHARSET_NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");

    final FamilySettings settings;
    final String table;
    final String summary;
    private final String family;
    private final String value;
    private final String id;
    private final boolean textFamily;
    private final String keyCharset;

    private FamilySql(FamilySettings settings, boolean textFamily, String keyCharset) {
        this.settings = settings;
        this.table = quote(settings.database()) + '.' + quote(settings.table());
        this.summary = quote(settings.effectiveSummaryDatabase()) + '.' + quote(settings.summaryTable());
        this.family = quote(settings.familyColumn());
        this.value = quote(settings.valueColumn());
        this.id = quote(settings.idColumn());
        this.textFamily = textFamily;
        this.keyCharset = keyCharset;
    }

    /**
     * Resolves the default database and checks that the table and its columns exist with usable types.
     *
     * @throws IllegalArgumentException naming the key to fix when the table or a column is unusable
     */
    static FamilySql inspect(Connection connection, FamilySettings configured) throws SQLException {
        FamilySettings settings = configured;
        if (settings.database() == null) {
            String current = connection.getCatalog();
            if (current == null || current.isEmpty()) {
                throw new IllegalArgumentException("processor." + FamilySettings.TABLE + "=" + settings.table()
                        + " names no database and the JDBC URL selects none: write it as <database>."
                        + settings.table());
            }
            settings = settings.withDefaultDatabase(current);
        }
        Map<String, String[]> columns = columns(connection, settings.database(), settings.table());
        String where = settings.database() + '.' + settings.table();
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("table " + where + " does not exist (processor." + FamilySettings.TABLE
                    + "): create it before starting, or fix the name");
        }
        String[] family = requireColumn(columns, where, FamilySettings.COLUMN, settings.familyColumn(), FAMILY_TYPES,
                "an integer, DECIMAL, CHAR, VARCHAR, ENUM or DATE column");
        requireColumn(columns, where, FamilySettings.VALUE_COLUMN, settings.valueColumn(), NUMERIC_TYPES,
                "a numeric column");
        requireColumn(columns, where, FamilySettings.ID_COLUMN, settings.idColumn(), INTEGER_TYPES,
                "an integer column");
        boolean text = TEXT_TYPES.contains(family[0]);
        // The summary key takes the family column's collation so that keys equal in the family table
        // ('abc' and 'ABC' under a case-insensitive collation) are one summary row, and distinct ones are two.
        String charset = text && CHARSET_NAME.matcher(family[1]).matches() && CHARSET_NAME.matcher(family[2]).matches()
                ? "CHARACTER SET " + family[1] + " COLLATE " + family[2]
                : "CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
        return new FamilySql(settings, text, charset);
    }

    /**
     * How the family table's indexes serve the family computation: {@code "covering"} when one begins with the family
     * column and holds the value column (the computation then reads the index alone), {@code "family"} when one only
     * begins with the family column, {@code "none"} when none does (every computation scans the table).
     */
    String familyIndex(Connection connection) throws SQLException {
        Map<String, List<String>> indexes = new java.util.TreeMap<>();
        try (PreparedStatement s = connection.prepareStatement("SELECT INDEX_NAME, COLUMN_NAME FROM "
                + "information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? "
                + "ORDER BY INDEX_NAME, SEQ_IN_INDEX")) {
            s.setString(1, settings.database());
            s.setString(2, settings.table());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    indexes.computeIfAbsent(rs.getString(1), name -> new java.util.ArrayList<>())
                            .add(rs.getString(2).toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        String familyColumn = settings.familyColumn().toLowerCase(java.util.Locale.ROOT);
        String valueColumn = settings.valueColumn().toLowerCase(java.util.Locale.ROOT);
        String found = "none";
        for (List<String> columns : indexes.values()) {
            if (columns.get(0).equals(familyColumn)) {
                if (columns.contains(valueColumn)) {
                    return "covering";
                }
                found = "family";
            }
        }
        return found;
    }

    private static Map<String, String[]> columns(Connection connection, String database, String table)
            throws SQLException {
        Map<String, String[]> columns = new HashMap<>();
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT COLUMN_NAME, DATA_TYPE, CHARACTER_SET_NAME, COLLATION_NAME FROM information_schema.COLUMNS "
                        + "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            s.setString(1, database);
            s.setString(2, table);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    columns.put(rs.getString(1).toLowerCase(java.util.Locale.ROOT), new String[] {
                            rs.getString(2).toLowerCase(java.util.Locale.ROOT), rs.getString(3), rs.getString(4)});
                }
            }
        }
        return columns;
    }

    private static String[] requireColumn(Map<String, String[]> columns, String table, String key, String column,
                                          Set<String> types, String expected) {
        String[] found = columns.get(column.toLowerCase(java.util.Locale.ROOT));
        if (found == null) {
            throw new IllegalArgumentException("processor." + key + "=" + column + ": table " + table
                    + " has no such column; its columns are " + new java.util.TreeSet<>(columns.keySet()));
        }
        if (!types.contains(found[0])) {
            throw new IllegalArgumentException("processor." + key + "=" + column + " is a " + found[0].toUpperCase()
                    + " column; it must be " + expected);
        }
        return found;
    }

    String createSummary() {
        return "CREATE TABLE IF NOT EXISTS " + summary + " ("
                + "family_key VARCHAR(191) " + keyCharset + " NOT NULL PRIMARY KEY, "
                + "row_count BIGINT NOT NULL, "
                + "value_sum DECIMAL(65,30), value_min DECIMAL(65,30), value_max DECIMAL(65,30), "
                + "max_id BIGINT, "
                + "updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6))";
    }

    /** Creates the family's summary row if missing and takes its exclusive lock either way. */
    String lockSummaryRow() {
        // ON DUPLICATE KEY takes an exclusive lock on an existing row; INSERT IGNORE would take a shared one,
        // and two lanes upgrading shared locks to exclusive deadlock each other.
        return "INSERT INTO " + summary + " (family_key, row_count, updated_at) VALUES (?, 0, NOW(6)) "
                + "ON DUPLICATE KEY UPDATE row_count = row_count";
    }

    /**
     * Creates the {@code count} families' summary rows where missing and takes their exclusive locks, in the order
     * given, marking each with a row count of -1 until {@link #recomputeFamilies} writes it (a mark no committed row
     * shows: the transaction either writes every marked row or deletes it).
     */
    String lockAndMarkSummaryRows(int count) {
        return "INSERT INTO " + summary + " (family_key, row_count, updated_at) VALUES "
                + String.join(", ", java.util.Collections.nCopies(count, "(?, -1, NOW(6))"))
                + " ON DUPLICATE KEY UPDATE row_count = -1";
    }

    /** Recomputes the {@code count} families (family column values) into their summary rows, in one statement. */
    String recomputeFamilies(int count) {
        return "INSERT INTO " + summary + " (family_key, row_count, value_sum, value_min, value_max, max_id, updated_at) "
                + "SELECT " + keyOf(family) + ", COUNT(*), SUM(" + value + "), MIN(" + value + "), MAX(" + value
                + "), MAX(" + id + "), NOW(6) FROM " + table + " WHERE " + family + " IN ("
                + String.join(", ", java.util.Collections.nCopies(count, "?")) + ") GROUP BY " + family
                + " ON DUPLICATE KEY UPDATE row_count = VALUES(row_count), value_sum = VALUES(value_sum), "
                + "value_min = VALUES(value_min), value_max = VALUES(value_max), max_id = VALUES(max_id), "
                + "updated_at = VALUES(updated_at)";
    }

    /** The summary keys among the {@code count} given that {@link #recomputeFamilies} left marked. */
    String markedSummaries(int count) {
        return "SELECT family_key FROM " + summary + " WHERE row_count = -1 AND family_key IN ("
                + String.join(", ", java.util.Collections.nCopies(count, "?")) + ")";
    }

    String aggregateFamily() {
        return "SELECT COUNT(*), SUM(" + value + "), MIN(" + value + "), MAX(" + value + "), MAX(" + id + ") FROM "
                + table + " WHERE " + family + " = ?";
    }

    String updateSummary() {
        return "UPDATE " + summary + " SET row_count = ?, value_sum = ?, value_min = ?, value_max = ?, max_id = ?, "
                + "updated_at = NOW(6) WHERE family_key = ?";
    }

    String deleteAllSummaries() {
        return "DELETE FROM " + summary;
    }

    String deleteSummary() {
        return "DELETE FROM " + summary + " WHERE family_key = ?";
    }

    /** Every family recomputed from scratch, left-joined with its summary row (columns: see the check). */
    String recomputeAll() {
        return "SELECT r.k, r.c, r.s, r.mn, r.mx, r.mid, "
                + "s.family_key, s.row_count, s.value_sum, s.value_min, s.value_max, s.max_id FROM ("
                + "SELECT " + keyOf(family) + " AS k, COUNT(*) AS c, SUM(" + value + ") AS s, MIN(" + value
                + ") AS mn, MAX(" + value + ") AS mx, MAX(" + id + ") AS mid FROM " + table
                + " WHERE " + family + " IS NOT NULL GROUP BY " + family + ") r "
                + "LEFT JOIN " + summary + " s ON s.family_key = r.k ORDER BY r.k";
    }

    /** Summary rows whose family has no row in the family table. */
    String orphanSummaries() {
        return "SELECT s.family_key, s.row_count FROM " + summary + " s WHERE NOT EXISTS (SELECT 1 FROM " + table
                + " t WHERE " + keyOf("t." + family) + " = s.family_key) ORDER BY s.family_key";
    }

    /** The family column as the text stored in {@code family_key}, compared under the key's collation. */
    private String keyOf(String column) {
        return textFamily ? column : "CONVERT(" + column + " USING utf8mb4) COLLATE utf8mb4_bin";
    }

    private static String quote(String identifier) {
        // Identifiers are validated to [A-Za-z0-9_$]; quoting still lets reserved words like `order` work.
        return '`' + identifier + '`';
    }
}
