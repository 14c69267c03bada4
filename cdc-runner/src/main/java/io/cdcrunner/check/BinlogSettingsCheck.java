package io.cdcrunner.check;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.source.FlavorDetector;
import io.cdcrunner.source.ServerInfo;

/** The server settings a row-level binlog reader depends on, and whether the binlog position is readable. */
final class BinlogSettingsCheck {

    static final List<String> NAMES =
            List.of("server", "log_bin", "binlog_format", "binlog_row_image", "binlog_row_value_options", "server_id",
                    "gtid", "binlog position");

    private BinlogSettingsCheck() {
    }

    static List<CheckResult> run(Connection c, ServerInfo info) {
        List<CheckResult> results = new ArrayList<>();
        results.add(CheckResult.ok("server", (info.flavor() == ServerFlavor.MARIADB ? "MariaDB " : "MySQL ")
                + info.version() + (info.versionComment() == null ? "" : " (" + info.versionComment() + ")")));
        results.add(info.logBin() ? CheckResult.ok("log_bin", "ON") : CheckResult.fail("log_bin", "OFF",
                "log_bin is OFF: start the server with log-bin (my.cnf: [mysqld] log_bin=binlog) and restart"));
        results.add(expect("binlog_format", info.binlogFormat(), "ROW",
                "changes are only readable row by row; SET GLOBAL binlog_format would not outlive a restart"));
        results.add(expect("binlog_row_image", info.binlogRowImage(), "FULL",
                "other images leave unchanged columns out of update and delete events"));
        results.add(rowValueOptions(c, info));
        results.add(info.serverId() != 0 ? CheckResult.ok("server_id", Long.toString(info.serverId()))
                : CheckResult.fail("server_id", "0", "a server with server_id=0 refuses binlog readers: set "
                        + "server_id to a unique non-zero value in my.cnf ([mysqld] server_id=1) and restart"));
        results.add(gtid(info));
        if (info.logBin()) {
            results.add(position(c, info));
        }
        return results;
    }

    private static CheckResult expect(String variable, String actual, String wanted, String why) {
        if (wanted.equalsIgnoreCase(actual)) {
            return CheckResult.ok(variable, actual);
        }
        return CheckResult.fail(variable, actual, variable + " is " + actual + ": set " + variable + "=" + wanted
                + " in my.cnf ([mysqld] section) and restart the server (" + why + ")");
    }

    /**
     * MySQL's {@code binlog_row_value_options=PARTIAL_JSON} logs a JSON column's update as a diff, which the engine
     * cannot read (MariaDB has no such variable).
     */
    private static CheckResult rowValueOptions(Connection c, ServerInfo info) {
        if (info.flavor() == ServerFlavor.MARIADB) {
            return CheckResult.ok("binlog_row_value_options", "none on MariaDB (JSON values are logged whole)");
        }
        String options;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT @@binlog_row_value_options")) {
            rs.next();
            options = rs.getString(1);
        } catch (SQLException e) {
            return CheckResult.warn("binlog_row_value_options", "could not read it: " + e.getMessage(), null);
        }
        if (options == null || options.isBlank()) {
            return CheckResult.ok("binlog_row_value_options", "'' (JSON values are logged whole)");
        }
        return CheckResult.fail("binlog_row_value_options", options, "binlog_row_value_options is " + options
                + ": remove it from my.cnf (the default is '') and restart the server (PARTIAL_JSON logs a JSON"
                + " column's update as a diff, which the daemon cannot read)");
    }

    private static CheckResult gtid(ServerInfo info) {
        String binlogGtids = info.gtidSet() == null ? "binlog has no GTIDs yet" : "position " + info.gtidSet();
        if (info.flavor() == ServerFlavor.MARIADB) {
            return CheckResult.ok("gtid", "always on (MariaDB), gtid_strict_mode="
                    + (info.gtidStrictMode() ? "ON" : "OFF") + ", " + binlogGtids);
        }
        if (info.gtidsEnabled()) {
            return CheckResult.ok("gtid", "gtid_mode=ON, " + binlogGtids);
        }
        // Streaming and restarts work on file:position; what is lost is what only a GTID can tell across servers.
        return CheckResult.warn("gtid", "gtid_mode=" + info.gtidMode() + ": the daemon goes by file:offset"
                + " (only gtid_mode=ON gives every event a GTID), so the recorded position holds on this server only: the daemon cannot follow a failover to another"
                + " server, and on a replica the processor's reads wait by polling each event's row (row-poll), not"
                + " by GTID (gtid-wait), and tables cannot be backfilled (cdc-runner snapshot, source.new.tables=backfill:"
                + " each chunk is read between two GTID watermarks)",
                "to get GTIDs, set gtid_mode=ON and enforce_gtid_consistency=ON in my.cnf and restart (on a running"
                + " server, step gtid_mode through OFF_PERMISSIVE and ON_PERMISSIVE)");
    }

    private static CheckResult position(Connection c, ServerInfo info) {
        try {
            ServerInfo.BinlogPosition position = ServerInfo.currentPosition(c, info.flavor(), info.version());
            return CheckResult.ok("binlog position", position.toString());
        } catch (IllegalStateException e) {
            // The server reported log_bin ON but no position: it changed since, or reports inconsistently.
            return CheckResult.fail("binlog position", "none: " + e.getMessage(), null);
        } catch (SQLException e) {
            return CheckResult.fail("binlog position", "cannot read it: " + e.getMessage(),
                    "grant " + clientPrivilege(info) + " (see the grants line)");
        }
    }

    /** MariaDB 10.5 renamed REPLICATION CLIENT to BINLOG MONITOR (the old name is an alias). */
    static String clientPrivilege(ServerInfo info) {
        int[] v = FlavorDetector.majorMinor(info.version());
        boolean renamed = info.flavor() == ServerFlavor.MARIADB && (v[0] > 10 || (v[0] == 10 && v[1] >= 5));
        return renamed ? "BINLOG MONITOR" : "REPLICATION CLIENT";
    }
}
