package io.cdcrunner.check;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.source.ServerInfo;

/**
 * The user may read the binlog (REPLICATION SLAVE), its position (REPLICATION CLIENT, named BINLOG MONITOR
 * since MariaDB 10.5) and the included tables (SELECT). The fix is the exact GRANT statement for the user.
 */
public final class GrantsCheck {

    static final String NAME = "grants";

    /** Names under which each requirement may show up in SHOW GRANTS, across flavors and versions. */
    private static final List<String> BINLOG_READ = List.of("REPLICATION SLAVE", "REPLICATION REPLICA");
    private static final List<String> POSITION_READ = List.of("REPLICATION CLIENT", "BINLOG MONITOR", "SUPER");

    private GrantsCheck() {
    }

    static CheckResult run(Connection c, ServerInfo info, Set<TableName> tables) throws SQLException {
        String account = account(currentUser(c));
        Grants grants = Grants.parse(showGrants(c));
        List<String> missing = new ArrayList<>();
        if (BINLOG_READ.stream().noneMatch(grants::hasGlobal)) {
            missing.add("REPLICATION SLAVE");
        }
        if (POSITION_READ.stream().noneMatch(grants::hasGlobal)) {
            missing.add(BinlogSettingsCheck.clientPrivilege(info));
        }
        Set<String> unreadableDbs = new TreeSet<>();
        for (TableName t : tables) {
            if (!grants.hasOnTable("SELECT", t.database(), t.table())) {
                unreadableDbs.add(t.database());
            }
        }
        if (missing.isEmpty() && unreadableDbs.isEmpty()) {
            return CheckResult.ok(NAME, account + " has REPLICATION SLAVE, " + BinlogSettingsCheck.clientPrivilege(info)
                    + (tables.isEmpty() ? "" : " and SELECT on the " + tables.size() + " included tables"));
        }
        List<String> statements = new ArrayList<>();
        List<String> described = new ArrayList<>(missing);
        if (!missing.isEmpty()) {
            statements.add("GRANT " + String.join(", ", missing) + " ON *.* TO " + account);
        }
        for (String db : unreadableDbs) {
            statements.add("GRANT SELECT ON " + TableName.quote(db) + ".* TO " + account);
            described.add("SELECT on " + db + ".*");
        }
        String detail = account + " lacks " + String.join(", ", described);
        String fix = "as an admin run: " + String.join("; ", statements);
        if (!grants.roles().isEmpty() && info.flavor() == ServerFlavor.MYSQL) {
            // MySQL's SHOW GRANTS does not expand roles: the privileges may be there after all.
            return CheckResult.warn(NAME, detail + " (not counting roles " + String.join(", ", grants.roles()) + ")",
                    fix + " (unless a default role grants it)");
        }
        return CheckResult.fail(NAME, detail, fix);
    }

    /** The account the server knows the connection as, {@code CURRENT_USER()}: {@code user@host}. */
    public static String currentUser(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT CURRENT_USER()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * Plain SHOW GRANTS: the same as SHOW GRANTS FOR CURRENT_USER, plus on MariaDB the privileges of the
     * roles active in this session, which the daemon's sessions get too.
     */
    private static List<String> showGrants(Connection c) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW GRANTS")) {
            while (rs.next()) {
                lines.add(rs.getString(1));
            }
        }
        return lines;
    }

    /** {@code user@host} from CURRENT_USER() as a quoted account, e.g. {@code 'cdc'@'%'}. */
    public static String account(String currentUser) {
        int at = currentUser.lastIndexOf('@');
        String user = at < 0 ? currentUser : currentUser.substring(0, at);
        String host = at < 0 ? "%" : currentUser.substring(at + 1);
        return quote(user) + "@" + quote(host);
    }

    private static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
