package io.cdcrunner.ha;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.cdcrunner.check.CheckResult;
import io.cdcrunner.check.GrantsCheck;
import io.cdcrunner.config.JdbcTarget;
import io.cdcrunner.config.Redaction;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.state.Fence;
import io.cdcrunner.state.JdbcStateStore;

/**
 * What {@code check} says about the users whose transactions are fenced with {@code ha.enabled}: the processor's
 * (its ledger) and the dead letters' read the lease row with a shared lock in every transaction
 * ({@link io.cdcrunner.state.Fence}). Without the grant that needs, an instance fails at its first event after a
 * takeover; {@code check} runs the very statement, in a transaction it rolls back.
 */
public final class LeaseReadersCheck {

    private LeaseReadersCheck() {
    }

    public static CheckResult run(RunnerConfig config) {
        if (!config.ha().enabled()) {
            return CheckResult.skipped("ha lease readers", "ha.enabled is false");
        }
        String leases = JdbcStateStore.leaseTable(config.state());
        // The table must be there to be read: created as run creates it, with the state user.
        try (com.zaxxer.hikari.HikariDataSource state = JdbcStateStore.pool(config.pipelineName() + "-check",
                config.state().jdbc(), io.cdcrunner.jdbc.HaSessionLimit.NONE)) {
            JdbcStateStore.createTables(state, config.state());
        } catch (SQLException | RuntimeException e) {
            return CheckResult.skipped("ha lease readers", "the state tables cannot be created (see the ha line): "
                    + Redaction.mask(e.getMessage()));
        }
        Map<String, JdbcTarget> users = new LinkedHashMap<>();
        users.put("the processor's user (processor.jdbc.user)", config.processor().jdbc());
        users.put("the dead-letter user (deadletter.jdbc.user)", config.deadLetters().jdbc());
        List<String> refused = new ArrayList<>();
        List<String> fixes = new ArrayList<>();
        for (Map.Entry<String, JdbcTarget> user : users.entrySet()) {
            JdbcTarget target = user.getValue();
            String account = "'" + target.user() + "'";
            try (Connection c = Lease.connect(target, new Properties())) {
                account = GrantsCheck.account(GrantsCheck.currentUser(c));
                c.setAutoCommit(false);
                try (PreparedStatement read = c.prepareStatement(Fence.epochCheck(leases))) {
                    read.setString(1, config.pipelineName());
                    read.executeQuery().close();
                } finally {
                    c.rollback();
                }
            } catch (SQLException e) {
                refused.add(user.getKey() + " " + account + " cannot read " + leases + " with a shared lock ("
                        + Redaction.mask(e.getMessage()) + ")");
                fixes.add("GRANT SELECT ON " + leases + " TO " + account + " (on MySQL also GRANT LOCK TABLES ON `"
                        + config.state().database() + "`.* TO " + account + ")");
            }
        }
        if (!refused.isEmpty()) {
            return CheckResult.fail("ha lease readers", String.join("; ", refused) + ": every transaction of an"
                    + " active instance reads the lease row, so it would fail at the first event",
                    String.join("; ", fixes.stream().distinct().toList())
                            + ": a shared lock needs SELECT, and on MySQL one of LOCK TABLES, UPDATE or DELETE too");
        }
        return CheckResult.ok("ha lease readers", "the processor's and the dead-letter user read " + leases
                + " with a shared lock");
    }
}
