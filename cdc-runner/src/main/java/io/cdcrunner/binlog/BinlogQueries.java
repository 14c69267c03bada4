package io.cdcrunner.binlog;

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
    /** What MySQL's SHOW BINLOG EVENTS appends to a DDL statement that has an XID; the event itself does not hold it. */
    private static final Pattern MYSQL_XID = Pattern.compile(" /\\* xid=\\d+ \\*/$");

    /**
     * One statement of the binlog: where its event starts, where its transaction (or its own group, for DDL) starts,
     * its default database ("" for none) and its text. The engine's record offsets inside a transaction name the
     * transaction's start, so that is where a fence before the statement must stand.
     */
    record Query(BinlogPoint position, BinlogPoint transactionStart, String defaultDatabase, String statement) {
    }

    /**
     * What the scan found: the first match, how many statements matched up to where the scan stopped, and whether it
     * reached the end of the binlog.
     */
    record Scan(Optional<Query> found, int matches, boolean complete) {
    }

    private BinlogQueries() {
    }

    /** The first statement at or after {@code from} that {@code wanted} matches, reading no further. */
    static Scan first(Connection connection, BinlogPoint from, Predicate<Query> wanted) throws SQLException {
        return scan(connection, from, wanted, true);
    }

    /** Every statement from {@code from} to the binlog's end that {@code wanted} matches: the first, and the count. */
    static Scan all(Connection connection, BinlogPoint from, Predicate<Query> wanted) throws SQLException {
        return scan(connection, from, wanted, false);
    }

    private static Scan scan(Connection connection, BinlogPoint from, Predicate<Query> wanted, boolean stopAtFirst)
            throws SQLException {
        int scanned = 0;
        Optional<Query> found = Optional.empty();
        int matches = 0;
        for (String log : logsFrom(connection, from.file())) {
            long next = log.equals(from.file()) ? from.position() : 4;
            BinlogPoint transactionStart = new BinlogPoint(log, next);
            while (true) {
                if (scanned >= MAX_EVENTS) {
                    return new Scan(found, matches, false);
                }
                int rows = 0;
                // Each page starts where the last one ended, so the server never skips what it already sent.
                try (Statement s = connection.createStatement();
                     ResultSet rs = s.executeQuery("SHOW BINLOG EVENTS IN '" + log.replace("'", "''") + "' FROM "
                             + next + " LIMIT " + PAGE)) {
                    while (rs.next()) {
                        rows++;
                        String type = rs.getString("Event_type");
                        long position = rs.getLong("Pos");
                        next = rs.getLong("End_log_pos");
                        String info = rs.getString("Info");
                        if ("Gtid".equals(type) || ("Query".equals(type) && "BEGIN".equalsIgnoreCase(trimmed(info)))) {
                            transactionStart = new BinlogPoint(log, position);
                        } else if ("Query".equals(type)) {
                            Query query = query(log, position, transactionStart, info);
                            if (wanted.test(query)) {
                                matches++;
                                if (found.isEmpty()) {
                                    found = Optional.of(query);
                                }
                                if (stopAtFirst) {
                                    return new Scan(found, matches, true);
                                }
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
        return new Scan(found, matches, true);
    }

    private static String trimmed(String text) {
        return text == null ? "" : text.trim();
    }

    static Query query(String file, long position, BinlogPoint transactionStart, String info) {
        String text = info == null ? "" : info.trim();
        String database = "";
        Matcher use = USE.matcher(text);
        if (use.find()) {
            database = use.group(1).replace("``", "`");
            text = text.substring(use.end()).trim();
        }
        text = MYSQL_XID.matcher(text).replaceFirst("");
        return new Query(new BinlogPoint(file, position), transactionStart, database, text);
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
