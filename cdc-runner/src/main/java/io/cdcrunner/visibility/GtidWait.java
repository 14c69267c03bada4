package io.cdcrunner.visibility;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.ServerFlavor;

/**
 * Waits for GTIDs to be applied on the read server; what the GTIDs are and how the server waits for them is the
 * flavor's {@link GtidDialect} ({@link MariaDbGtids}, {@link MySqlGtids}).
 *
 * <p>Progressive: a wait is for the GTID of the event that needs it (and of the pending events before it),
 * not the batch's last. The same query returns what the server has applied ({@code @@gtid_slave_pos} or
 * {@code @@gtid_executed}), and every pending event within it passes without a wait. On a replica that lags by a few
 * seconds a batch read at once from the source's binlog therefore flows out at the pace the replica applies it,
 * instead of waiting for its last transaction: commit to processed stays about the replica's lag, and a replica that
 * keeps up needs one wait for a whole batch.
 *
 * <p>Rows of an initial snapshot carry no GTID: for them the barrier waits, once, for the GTID position the
 * source had reached when the first snapshot row was processed ({@link SnapshotGtidTarget}).
 */
final class GtidWait implements CatchUp {

    private final GtidDialect dialect;
    private final SnapshotGtidTarget snapshot;

    /**
     * @param flavor             the source's (and read server's) flavor
     * @param commitsInOrder     whether the read server makes transactions visible in source binlog order;
     *                           when not (MySQL only), every GTID of a batch is waited for
     * @param sourceGtidPosition reads the source's current GTID position ({@code @@gtid_binlog_pos} on MariaDB,
     *                           {@code @@gtid_executed} on MySQL); used only for snapshot rows
     */
    GtidWait(ServerFlavor flavor, boolean commitsInOrder, Callable<String> sourceGtidPosition) {
        this.dialect = GtidDialect.of(flavor, commitsInOrder);
        this.snapshot = new SnapshotGtidTarget(sourceGtidPosition);
    }

    @Override
    public String name() {
        return "gtid-wait";
    }

    @Override
    public String description() {
        return dialect.description();
    }

    @Override
    public boolean covers(ChangeEvent event) {
        return event.position().snapshot() || event.position().gtid() != null;
    }

    @Override
    public int await(List<ChangeEvent> pending, int needed, Duration timeout, Connection connection)
            throws SQLException, VisibilityTimeoutException {
        List<ChangeEvent> upToNeeded = pending.subList(0, needed + 1);
        String target = target(upToNeeded);
        // One round trip: the wait, then what the server has applied. Were the position read before the wait
        // returned it would only show less, never more, so the answer is safe either way.
        String sql = dialect.waitAndAppliedSql();
        String applied;
        try (PreparedStatement wait = connection.prepareStatement(sql)) {
            wait.setString(1, target);
            wait.setBigDecimal(2, BigDecimal.valueOf(timeout.toMillis(), 3));
            try (ResultSet rs = wait.executeQuery()) {
                rs.next();
                int result = rs.getInt(1);
                if (rs.wasNull()) {
                    throw new SQLException(sql + " with '" + target + "' returned NULL: the server rejected the "
                            + "GTID position");
                }
                if (result != 0) {
                    throw new VisibilityTimeoutException("GTID " + target + " not applied within "
                            + timeout.toMillis() + " ms");
                }
                applied = rs.getString(2);
            }
        }
        for (ChangeEvent event : upToNeeded) {
            if (event.position().snapshot()) {
                snapshot.reachedBy(event);
            }
        }
        if (needed + 1 == pending.size() || applied == null) {
            return needed + 1;
        }
        return Math.max(needed + 1, leadingApplied(pending, applied));
    }

    /** How many leading events of {@code pending} the applied position {@code applied} shows. */
    int leadingApplied(List<ChangeEvent> pending, String applied) {
        Predicate<String> contains = dialect.applied(applied);
        int shown = 0;
        for (ChangeEvent event : pending) {
            boolean visible = event.position().snapshot() ? snapshot.isReached(event)
                    : contains.test(event.position().gtid());
            if (!visible) {
                break;
            }
            shown++;
        }
        return shown;
    }

    /** The GTIDs to wait for: per domain (MariaDB) or source UUID (MySQL) the highest of the batch. */
    String target(List<ChangeEvent> covered) throws SQLException {
        List<String> gtids = new ArrayList<>();
        for (ChangeEvent event : covered) {
            gtids.add(event.position().snapshot() ? snapshot.of(event) : event.position().gtid());
        }
        return dialect.target(gtids);
    }
}
