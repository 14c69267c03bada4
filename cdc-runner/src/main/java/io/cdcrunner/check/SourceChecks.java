package io.cdcrunner.check;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import io.cdcrunner.source.SourceAccess;
import io.cdcrunner.source.ServerInfo;

/**
 * The preflight behind {@code cdc-runner check}: can the daemon connect, read the binlog in row format, read
 * the included tables, use its replica server id and keep its state? Every check runs even when an earlier
 * one fails; checks that need the server report {@code skipped: not connected} when it cannot be reached.
 * Nothing here logs or reports the password.
 *
 * <pre>{@code
 * CheckReport report = new SourceChecks(SourceLogin.of(host, port, user, password),
 *         List.of("shop.orders"), 5401, Path.of("/var/lib/cdc-runner")).run();
 * System.out.print(report.render());
 * }</pre>
 */
public final class SourceChecks {

    private final SourceLogin login;
    private final List<String> tableIncludes;
    private final long replicaServerId;
    private final Path stateDir;

    /**
     * @param login           where and as whom to connect
     * @param tableIncludes   the table include list: {@code db.table} entries, or regular expressions matched
     *                        case-insensitively against {@code db.table}
     * @param replicaServerId the server id cdc-runner presents to the source ({@code source.server.id})
     * @param stateDir        where the daemon keeps offsets and schema history; created if missing
     */
    public SourceChecks(SourceLogin login, List<String> tableIncludes, long replicaServerId, Path stateDir) {
        this.login = Objects.requireNonNull(login, "login");
        this.tableIncludes = List.copyOf(tableIncludes);
        this.replicaServerId = replicaServerId;
        this.stateDir = Objects.requireNonNull(stateDir, "stateDir");
    }

    /** Runs every check. Never throws for a problem with the source: problems are results. */
    public CheckReport run() {
        List<CheckResult> results = new ArrayList<>();
        Connection connection;
        try {
            connection = login.open();
        } catch (SQLException e) {
            results.add(ConnectionFailure.explain(e, login));
            skip(results, skippedNames(), "not connected");
            results.add(StateDirectoryCheck.run(stateDir));
            return new CheckReport(results);
        }
        try (Connection c = connection) {
            results.add(CheckResult.ok(ConnectionFailure.NAME, login.address() + " as " + login.user() + ", "
                    + encryption(c)));
            results.addAll(serverChecks(c));
        } catch (SQLException closeFailure) {
            // Only close() throws here, after every check ran: nothing left to report.
        }
        results.add(StateDirectoryCheck.run(stateDir));
        return new CheckReport(results);
    }

    private static String encryption(Connection c) {
        try {
            return SourceAccess.encryption(c).map(tls -> "encrypted (" + tls + ")").orElse("not encrypted");
        } catch (SQLException e) {
            return "encryption unknown";
        }
    }

    private List<CheckResult> serverChecks(Connection c) {
        List<CheckResult> results = new ArrayList<>();
        ServerInfo info;
        try {
            info = ServerInfo.readSettings(c);
        } catch (SQLException e) {
            results.add(CheckResult.fail("server", "cannot read server variables: " + login.masked(e.getMessage()),
                    "check that " + login.address() + " is a MySQL or MariaDB server"));
            List<String> rest = skippedNames();
            rest.remove("server");
            skip(results, rest, "server variables unreadable");
            return results;
        }
        results.addAll(BinlogSettingsCheck.run(c, info));
        TableSelection tables = null;
        try {
            tables = TableSelection.resolve(c, tableIncludes);
        } catch (SQLException e) {
            results.add(couldNotCheck(TableCheck.NAME, e));
        }
        try {
            results.add(GrantsCheck.run(c, info, tables == null ? Set.of() : tables.tablesToRead()));
        } catch (SQLException e) {
            results.add(couldNotCheck(GrantsCheck.NAME, e));
        }
        if (tables != null) {
            results.addAll(TableCheck.run(tables, login.user()));
        }
        try {
            results.add(ServerIdCheck.run(c, info, replicaServerId));
        } catch (SQLException e) {
            results.add(couldNotCheck(ServerIdCheck.NAME, e));
        }
        try {
            results.add(SessionFormatCheck.run(c, info));
        } catch (SQLException e) {
            results.add(CheckResult.warn(SessionFormatCheck.NAME, "could not check: " + login.masked(e.getMessage()),
                    null));
        }
        return results;
    }

    private CheckResult couldNotCheck(String name, SQLException e) {
        return CheckResult.fail(name, "could not check: " + login.masked(e.getMessage()), null);
    }

    private static void skip(List<CheckResult> results, List<String> names, String reason) {
        for (String name : names) {
            results.add(CheckResult.skipped(name, reason));
        }
    }

    private static List<String> skippedNames() {
        List<String> names = new ArrayList<>(BinlogSettingsCheck.NAMES);
        names.addAll(List.of(GrantsCheck.NAME, TableCheck.NAME, ServerIdCheck.NAME, SessionFormatCheck.NAME));
        return names;
    }
}
