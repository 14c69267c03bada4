package io.cdcrunner.check;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.cdcrunner.config.SourceServers;
import io.cdcrunner.config.SourceSettings;
import io.cdcrunner.source.SourceAccess;

/**
 * With several servers in {@code source.host}: whether the daemon can follow the cluster. Each server listed must be
 * reachable with the daemon's login, have GTIDs (a position of one server's binlog means nothing on another) and log
 * what it applies (else its binlog lacks the transactions it replicated); with {@code source.host.pick=writable}
 * exactly one should accept writes.
 */
public final class ServerListCheck {

    public static final String NAME = "servers";

    private ServerListCheck() {
    }

    /** One result for the list; skipped with one server. */
    public static CheckResult run(SourceSettings source) {
        SourceServers servers = source.servers();
        if (!servers.several()) {
            return CheckResult.skipped(NAME, "source.host names one server");
        }
        List<String> states = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> unreachable = new ArrayList<>();
        List<String> advice = new ArrayList<>();
        int writable = 0;
        java.util.Map<String, java.util.Map<String, String>> eventSettings = new java.util.TreeMap<>();
        for (SourceServers.Server server : servers.all()) {
            try (Connection c = SourceAccess.of(source.on(server)).connect()) {
                boolean readOnly = number(c, "SELECT @@GLOBAL.read_only") != 0;
                boolean mariaDb = text(c, "SELECT VERSION()").toLowerCase(java.util.Locale.ROOT).contains("mariadb");
                boolean gtids = mariaDb || "ON".equalsIgnoreCase(text(c, "SELECT @@GLOBAL.gtid_mode"));
                boolean logsReplicated = logsWhatItApplies(c);
                writable += readOnly ? 0 : 1;
                states.add(server + " " + (readOnly ? "read-only" : "writable") + (gtids ? ", GTIDs" : ", no GTIDs")
                        + (logsReplicated ? ", logs what it applies" : ""));
                for (String setting : EVENT_SETTINGS) {
                    String value = variable(c, setting);
                    if (value != null) {
                        eventSettings.computeIfAbsent(setting, k -> new java.util.LinkedHashMap<>())
                                .put(server.toString(), value);
                    }
                }
                if (!gtids) {
                    problems.add(server + " has gtid_mode=" + text(c, "SELECT @@GLOBAL.gtid_mode")
                            + ": the daemon cannot resume on it after another server (set gtid_mode=ON everywhere)");
                }
                if (!logsReplicated && readOnly) {
                    problems.add(server + " does not log what it applies (log_replica_updates / log_slave_updates "
                            + "OFF): promoted, its binlog would lack what it replicated (set it ON)");
                } else if (!logsReplicated) {
                    advice.add(server + " does not log what it applies: set log_replica_updates / log_slave_updates "
                            + "ON before it rejoins as a replica, or it cannot take over again");
                }
            } catch (SQLException e) {
                unreachable.add(server + " (" + e.getMessage() + ")");
            }
        }
        String detail = String.join("; ", states) + (unreachable.isEmpty() ? ""
                : "; unreachable: " + String.join("; ", unreachable));
        if (!problems.isEmpty()) {
            return CheckResult.fail(NAME, detail, String.join("; ", problems));
        }
        List<String> differing = new ArrayList<>();
        eventSettings.forEach((setting, values) -> {
            if (values.values().stream().distinct().count() > 1) {
                differing.add(setting + " " + values);
            }
        });
        if (!differing.isEmpty()) {
            return CheckResult.fail(NAME, detail, "the servers differ in settings that add or split binlog events ("
                    + String.join("; ", differing) + "): a transaction's events then differ between servers, and "
                    + "after a failover the events of a transaction read in part would be counted wrongly (the "
                    + "engine skips what it read by count) and their ids would not match; set them alike everywhere");
        }
        if (!unreachable.isEmpty()) {
            advice.add("the daemon cannot move to a server it cannot reach: check the address and that the daemon's "
                    + "user exists there");
        }
        if (source.pick() == SourceSettings.Pick.WRITABLE && writable != 1) {
            advice.add(writable == 0 ? "no server accepts writes: with source.host.pick=writable the daemon waits "
                    + "until one does (a replica is promoted)" : "more than one server accepts writes: the daemon "
                    + "reads the one it read before, else the first listed; set read_only=ON on the replicas");
        }
        return advice.isEmpty() ? CheckResult.ok(NAME, detail) : CheckResult.warn(NAME, detail, String.join("; ",
                advice));
    }

    /** Settings that add or split a transaction's binlog events; each exists on one flavor or both. */
    private static final List<String> EVENT_SETTINGS = List.of("binlog_row_event_max_size",
            "binlog_rows_query_log_events", "binlog_annotate_row_events", "replicate_annotate_row_events");

    /** A global variable's value, or null when the server has no such variable. */
    private static String variable(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW GLOBAL VARIABLES LIKE '" + name + "'")) {
            return rs.next() ? rs.getString(2) : null;
        }
    }

    /** {@code log_replica_updates} (MySQL 8.0.26 on), else its older name {@code log_slave_updates}. */
    private static boolean logsWhatItApplies(Connection c) throws SQLException {
        try {
            return number(c, "SELECT @@GLOBAL.log_replica_updates") != 0;
        } catch (SQLException e) {
            return number(c, "SELECT @@GLOBAL.log_slave_updates") != 0;
        }
    }

    private static long number(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static String text(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            String value = rs.next() ? rs.getString(1) : null;
            return value == null ? "" : value;
        }
    }
}
