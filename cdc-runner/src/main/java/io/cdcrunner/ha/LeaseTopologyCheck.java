package io.cdcrunner.ha;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;

import io.cdcrunner.check.CheckResult;
import io.cdcrunner.config.JdbcTarget;
import io.cdcrunner.config.Redaction;
import io.cdcrunner.config.RunnerConfig;

/**
 * What {@code check} says about {@code ha.enabled}: the lease works only where {@code GET_LOCK} is one lock for every
 * instance, which a Galera cluster does not give (each node has its own locks), and the state tables must be creatable.
 */
public final class LeaseTopologyCheck {

    private LeaseTopologyCheck() {
    }

    public static CheckResult run(RunnerConfig config) {
        if (!config.ha().enabled()) {
            return CheckResult.skipped("ha", "ha.enabled is false: one instance runs the pipeline");
        }
        JdbcTarget target = config.state().jdbc();
        try (Connection c = Lease.connect(target, new Properties())) {
            Optional<String> unsupported = unsupported(c);
            if (unsupported.isPresent()) {
                return CheckResult.fail("ha", "the state server " + target.shownUrl() + " is " + unsupported.get()
                                + ": GET_LOCK is local to each node, so instances connected to different nodes would"
                                + " both take the lease; run refuses to start on it",
                        "point state.jdbc.url (and the processor's database) at one server that is neither, or run"
                                + " a single instance (ha.enabled=false)");
            }
            try (PreparedStatement lock = c.prepareStatement("SELECT IS_FREE_LOCK(?)")) {
                lock.setString(1, Lease.lockName(config.pipelineName()));
                try (ResultSet row = lock.executeQuery()) {
                    row.next();
                    String holder = row.getInt(1) == 1 ? "free" : "held by another instance now";
                    try (Statement s = c.createStatement()) {
                        s.execute("CREATE DATABASE IF NOT EXISTS `" + config.state().database() + "`");
                    }
                    return CheckResult.ok("ha", "lease " + Lease.lockName(config.pipelineName()) + " on "
                            + target.shownUrl() + " (" + holder + "); a hung holder loses it after "
                            + config.ha().waitTimeoutSeconds() + " s; state tables in " + config.state().database());
                }
            }
        } catch (SQLException e) {
            return CheckResult.fail("ha", "the state server " + target.shownUrl() + " cannot hold the lease: "
                    + Redaction.mask(e.getMessage()), "check state.jdbc.url/user/password (they default to the"
                    + " processor's) and grant CREATE, SELECT, INSERT, UPDATE on " + config.state().database() + ".*");
        }
    }

    /**
     * Why the server cannot hold a lease every instance sees, if it cannot: a node of a Galera cluster
     * ({@code wsrep_on}), or a member of a MySQL Group Replication group in multi-primary mode, where each member has
     * its own locks.
     */
    public static Optional<String> unsupported(Connection c) throws SQLException {
        String wsrep = variable(c, "wsrep_on");
        if ("ON".equalsIgnoreCase(wsrep)) {
            return Optional.of("a Galera cluster node (wsrep_on=ON)");
        }
        String singlePrimary = variable(c, "group_replication_single_primary_mode");
        if (singlePrimary != null && ("OFF".equalsIgnoreCase(singlePrimary) || "0".equals(singlePrimary))
                && groupReplicationOnline(c)) {
            return Optional.of("a member of a MySQL Group Replication group in multi-primary mode"
                    + " (group_replication_single_primary_mode=OFF)");
        }
        return Optional.empty();
    }

    private static String variable(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SHOW VARIABLES LIKE ?")) {
            s.setString(1, name);
            try (ResultSet row = s.executeQuery()) {
                return row.next() ? row.getString(2) : null;
            }
        }
    }

    /**
     * Whether the Group Replication plugin is active on the server: read from {@code information_schema.PLUGINS}, which
     * every user may read, so that a member is never taken for a plain server for want of a privilege.
     */
    private static boolean groupReplicationOnline(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet row = s.executeQuery("SELECT PLUGIN_STATUS FROM"
                + " information_schema.PLUGINS WHERE PLUGIN_NAME = 'group_replication'")) {
            return row.next() && "ACTIVE".equalsIgnoreCase(row.getString(1));
        }
    }
}
