package io.cdcrunner.binlog;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.config.JdbcTarget;
import io.cdcrunner.config.RunnerConfig;

/**
 * The GTIDs a {@code TransactionalProcessor}'s ledger records as applied ({@code gtid:<gtid>:<event>:<row>} ids),
 * read at a start so that {@link ResumeCheck} judges a server against what was processed, not only against the
 * recorded offsets: after a SIGKILL the offsets lag by up to {@code state.offset.flush.interval.ms}, and a promoted
 * server lacking exactly those transactions would otherwise be taken.
 *
 * <p>Read only where the ledger is (the processor's server); nothing when there is no ledger table, or it cannot be
 * read (a processor that keeps none): the check then relies on the offsets, as before.
 */
final class LedgerGtids {

    private static final Logger log = LoggerFactory.getLogger(LedgerGtids.class);

    private LedgerGtids() {
    }

    /** Notes in {@code read} the GTID of every ledger entry of the pipeline in the GTID form. */
    static void readInto(RunnerConfig config, ReadGtids read) {
        JdbcTarget target = config.processor().jdbc();
        Properties properties = target.driverProperties();
        properties.setProperty("user", target.user());
        properties.setProperty("password", target.password().reveal());
        // A processor's server that does not answer must not hold the start for long: the processor's own pool
        // reports it right after.
        long timeout = Math.max(1, config.source().connectTimeout().toMillis());
        properties.setProperty("connectTimeout", String.valueOf(timeout));
        properties.setProperty("socketTimeout", String.valueOf(Math.max(60_000, timeout)));
        int entries = 0;
        try (Connection c = DriverManager.getConnection(target.url(), properties);
             PreparedStatement s = c.prepareStatement("SELECT event_id FROM " + config.delivery().ledgerTable()
                     + " WHERE pipeline = ? AND event_id LIKE 'gtid:%'")) {
            s.setString(1, config.pipelineName());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    read.read(gtidOf(rs.getString(1)));
                    entries++;
                }
            }
            log.debug("the ledger {} holds {} entries in the GTID form", config.delivery().ledgerTable(), entries);
        } catch (SQLException e) {
            log.debug("no ledger to learn processed transactions from ({})", e.getMessage());
        }
    }

    /** The GTID of an id {@code gtid:<gtid>:<event>:<row>[:db.table]}, or null. */
    static String gtidOf(String eventId) {
        String rest = eventId.substring("gtid:".length());
        // A table event's id ends in :db.table; a row change's in :<event>:<row>.
        String[] parts = rest.split(":");
        int numbersAtEnd = 0;
        for (int i = parts.length - 1; i >= 0 && numbersAtEnd < 2 && parts[i].matches("-?\\d+"); i--) {
            numbersAtEnd++;
        }
        int end = parts.length;
        if (numbersAtEnd < 2) {
            end--; // a table event: :<event>:<row>:db.table
            numbersAtEnd = 0;
            for (int i = end - 1; i >= 0 && numbersAtEnd < 2 && parts[i].matches("-?\\d+"); i--) {
                numbersAtEnd++;
            }
        }
        if (numbersAtEnd < 2 || end - 2 <= 0) {
            return null;
        }
        return String.join(":", java.util.Arrays.copyOfRange(parts, 0, end - 2));
    }
}
