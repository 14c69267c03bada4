package io.cdcrunner.binlog.schema;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The captured databases and tables that exist on the source server now, read from {@code information_schema}
 * (which lists only what the daemon's user has some privilege on, as the engine sees it).
 */
public record CapturedCatalog(Set<String> databases, List<TableRef> tables) {

    /** A table as the catalog spells it. */
    public record TableRef(String database, String table) {
        @Override
        public String toString() {
            return database + "." + table;
        }
    }

    public static CapturedCatalog read(Connection connection, CaptureFilter filter) throws SQLException {
        Set<String> databases = new LinkedHashSet<>();
        List<TableRef> tables = new ArrayList<>();
        try (Statement s = connection.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT schema_name FROM information_schema.schemata")) {
                while (rs.next()) {
                    if (filter.capturesDatabase(rs.getString(1))) {
                        databases.add(rs.getString(1));
                    }
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT table_schema, table_name FROM information_schema.tables")) {
                while (rs.next()) {
                    if (filter.captures(rs.getString(1), rs.getString(2))) {
                        tables.add(new TableRef(rs.getString(1), rs.getString(2)));
                    }
                }
            }
        }
        return new CapturedCatalog(databases, tables);
    }

    boolean hasDatabase(String name) {
        return databases.stream().anyMatch(d -> d.equalsIgnoreCase(name));
    }

    public List<TableRef> tablesNamed(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return tables.stream().filter(t -> t.table().toLowerCase(Locale.ROOT).equals(lower)).toList();
    }
}
