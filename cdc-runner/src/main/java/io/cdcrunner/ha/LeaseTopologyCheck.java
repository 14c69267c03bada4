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
            Optional<String> galera = galera(c);
            if (galera.isPresent()) {
                return CheckResult.fail("ha", "the state server " + target.shownUrl() + " is a Galera cluster node ("
                                + galera.get() + "): GET_LOCK is local to each node, so instances connected to"
                                + " different nodes would both take the lease",
                        "point state.jdbc.url (and the processor's database) at one server that is not a Galera node,"
                                + " or run a single instance (ha.enabled=false)");
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

    /** The server's Galera state, if it is a node of a running Galera cluster. */
    static Optional<String> galera(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet row = s.executeQuery("SHOW VARIABLES LIKE 'wsrep_on'")) {
            if (row.next() && "ON".equalsIgnoreCase(row.getString(2))) {
                return Optional.of("wsrep_on=ON");
            }
        }
        return Optional.empty();
    }

}
