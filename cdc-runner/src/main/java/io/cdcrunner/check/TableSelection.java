package io.cdcrunner.check;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The configured table include list resolved against the source's catalog: which tables each entry selects
 * and their primary key columns. Entries are matched case-insensitively against {@code db.table}, as the
 * engine's include list is, so the check sees the same tables the engine will capture.
 *
 * <p>The catalog ({@code information_schema}) only lists tables the user has some privilege on, so a table
 * "missing" here may exist but be hidden from this user.
 */
final class TableSelection {

    private static final String REGEX_META = "\\[]{}()*+?^$|.";

    /**
     * One include-list entry.
     *
     * @param configured the entry as configured
     * @param literal    the table it names when it is a plain {@code db.table}, else {@code null}
     * @param matches    the existing tables it selects
     * @param invalid    why the entry is not a valid regular expression, else {@code null}
     */
    record Entry(String configured, TableName literal, List<TableName> matches, String invalid) {
    }

    private final List<Entry> entries;
    private final Map<TableName, List<String>> primaryKeys;

    private TableSelection(List<Entry> entries, Map<TableName, List<String>> primaryKeys) {
        this.entries = List.copyOf(entries);
        this.primaryKeys = Collections.unmodifiableMap(primaryKeys);
    }

    static TableSelection resolve(Connection c, List<String> includes) throws SQLException {
        List<TableName> catalog = baseTables(c);
        List<Entry> entries = new ArrayList<>();
        Set<TableName> matched = new LinkedHashSet<>();
        for (String raw : includes) {
            Entry entry = match(raw.trim(), catalog);
            entries.add(entry);
            matched.addAll(entry.matches());
        }
        return new TableSelection(entries, primaryKeys(c, matched));
    }

    List<Entry> entries() {
        return entries;
    }

    /** The primary key columns of a matched table, in key order; empty when it has none. */
    List<String> primaryKey(TableName table) {
        return primaryKeys.getOrDefault(table, List.of());
    }

    /** Every table the engine will read: all matches, plus literal entries that matched nothing. */
    Set<TableName> tablesToRead() {
        Set<TableName> result = new LinkedHashSet<>();
        for (Entry e : entries) {
            result.addAll(e.matches());
            if (e.literal() != null && e.matches().isEmpty()) {
                result.add(e.literal());
            }
        }
        return result;
    }

    /** The table a plain {@code db.table} (or {@code db\.table}) entry names; {@code null} for a regex. */
    static TableName literal(String entry) {
        String plain = entry.replaceFirst("\\\\\\.", ".");
        int dot = plain.indexOf('.');
        if (dot <= 0 || dot == plain.length() - 1) {
            return null;
        }
        String db = plain.substring(0, dot);
        String table = plain.substring(dot + 1);
        return hasRegexMeta(db) || hasRegexMeta(table) ? null : new TableName(db, table);
    }

    private static boolean hasRegexMeta(String s) {
        return s.chars().anyMatch(ch -> REGEX_META.indexOf(ch) >= 0);
    }

    private static Entry match(String entry, List<TableName> catalog) {
        TableName literal = literal(entry);
        List<TableName> matches = new ArrayList<>();
        if (literal != null) {
            for (TableName t : catalog) {
                if (t.database().equalsIgnoreCase(literal.database()) && t.table().equalsIgnoreCase(literal.table())) {
                    matches.add(t);
                }
            }
            return new Entry(entry, literal, matches, null);
        }
        Pattern pattern;
        try {
            pattern = Pattern.compile(entry, Pattern.CASE_INSENSITIVE);
        } catch (PatternSyntaxException e) {
            return new Entry(entry, null, List.of(), e.getDescription());
        }
        for (TableName t : catalog) {
            if (pattern.matcher(t.toString()).matches()) {
                matches.add(t);
            }
        }
        return new Entry(entry, null, matches, null);
    }

    private static List<TableName> baseTables(Connection c) throws SQLException {
        List<TableName> tables = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES "
                     + "WHERE TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') AND TABLE_SCHEMA NOT IN "
                     + "('mysql', 'information_schema', 'performance_schema', 'sys') "
                     + "ORDER BY TABLE_SCHEMA, TABLE_NAME")) {
            while (rs.next()) {
                tables.add(new TableName(rs.getString(1), rs.getString(2)));
            }
        }
        return tables;
    }

    private static Map<TableName, List<String>> primaryKeys(Connection c, Set<TableName> tables) throws SQLException {
        Map<TableName, List<String>> keys = new LinkedHashMap<>();
        Set<String> schemas = new TreeSet<>();
        tables.forEach(t -> schemas.add(t.database()));
        if (schemas.isEmpty()) {
            return keys;
        }
        String in = String.join(", ", Collections.nCopies(schemas.size(), "?"));
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME "
                + "FROM information_schema.KEY_COLUMN_USAGE WHERE CONSTRAINT_NAME = 'PRIMARY' AND TABLE_SCHEMA IN ("
                + in + ") ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION")) {
            int i = 1;
            for (String schema : schemas) {
                ps.setString(i++, schema);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TableName table = new TableName(rs.getString(1), rs.getString(2));
                    if (tables.contains(table)) {
                        keys.computeIfAbsent(table, k -> new ArrayList<>()).add(rs.getString(3));
                    }
                }
            }
        }
        return keys;
    }
}
