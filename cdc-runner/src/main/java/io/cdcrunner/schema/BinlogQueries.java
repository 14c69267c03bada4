package io.cdcrunner.schema;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the statements ({@code Query} events) of the source's binlog with {@code SHOW BINLOG EVENTS}, from a
 * given position on. Used only when a DDL statement needs explaining or a recovery needs checking, so it pages
 * through the server's list rather than keeping an index, and gives up after {@link #MAX_EVENTS} events.
 */
final class BinlogQueries {

    static final int MAX_EVENTS = 500_000;
    private static final int PAGE = 5_000;
    private static final Pattern USE = Pattern.compile("^use `((?:[^`]|``)*)`; ", Pattern.CASE_INSENSITIVE);

    /** One statement of the binlog: where its event starts, its default database ("" for none), its text. */
    record Query(BinlogPoint position, String defaultDatabase, String statement) {
    }

    /** What the scan found, or that it stopped before the end of the binlog (too many events). */
    record Scan(Optional<Query> found, boolean complete) {
    }

    private BinlogQueries() {
    }

    /** The first statement at or after {@code from} that {@code wanted} matches. */
    static Scan first(Connection connection, BinlogPoint from, Predicate<Query> wanted) throws SQLException {
        int scanned = 0;
        for (String log : logsFrom(connection, from.file())) {
            long start = log.equals(from.file()) ? from.position() : 4;
            for (int offset = 0; ; offset += PAGE) {
                if (scanned >= MAX_EVENTS) {
                    return new Scan(Optional.empty(), false);
                }
                int rows = 0;
                try (Statement s = connection.createStatement();
                     ResultSet rs = s.executeQuery("SHOW BINLOG EVENTS IN '" + log.replace("'", "''") + "' FROM "
                             + start + " LIMIT " + offset + ", " + PAGE)) {
                    while (rs.next()) {
                        rows++;
                        if ("Query".equals(rs.getString("Event_type"))) {
                            Query query = query(log, rs.getLong("Pos"), rs.getString("Info"));
                            if (wanted.test(query)) {
                                return new Scan(Optional.of(query), true);
                            }
                        }
                    }
                }
                scanned += rows;
                if (rows < PAGE) {
                    break;
                }
            }
        }
        return new Scan(Optional.empty(), true);
    }

    /** The statement at {@code statement}'s first occurrence at or after {@code from}. */
    static Optional<Query> find(Connection connection, BinlogPoint from, String statement) throws SQLException {
        String wanted = statement.trim();
        return first(connection, from, q -> q.statement().equals(wanted)).found();
    }

    static Query query(String file, long position, String info) {
        String text = info == null ? "" : info.trim();
        String database = "";
        Matcher use = USE.matcher(text);
        if (use.find()) {
            database = use.group(1).replace("``", "`");
            text = text.substring(use.end()).trim();
        }
        return new Query(new BinlogPoint(file, position), database, text);
    }

    /** The binlog files from {@code first} on, in order; all of them when {@code first} is not listed. */
    private static List<String> logsFrom(Connection connection, String first) throws SQLException {
        List<String> logs = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                logs.add(rs.getString(1));
            }
        }
        int index = logs.indexOf(first);
        return index < 0 ? logs : logs.subList(index, logs.size());
    }
}
