package io.cdcrunner.visibility;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import io.cdcrunner.processor.ChangeEvent;

/**
 * Makes a batch visible on the primary with one locking read of its last row.
 *
 * <p>Why a wait is needed at all: a server writes a transaction to the binlog before its storage engine
 * commit completes (two-phase commit: InnoDB prepare, binlog write, InnoDB commit), and the binlog reader may
 * receive the events in between, when a plain read does not see the row yet. (An XA transaction that is
 * PREPAREd shows the same state for as long as it stays prepared: binlogged, locked, invisible.)
 *
 * <p>First a plain read looks for the last event's row change (the inserted row, the updated values, the
 * deleted row's absence). The writing transaction holds the row's lock until its commit completes, so no
 * other transaction can have changed the row in between: if the change shows, that transaction committed.
 * This is the common case, one cheap query per batch, and it cannot be held up by a later transaction that
 * locks the same row for long.
 *
 * <p>Otherwise the barrier waits with a locking read. Why this works:
 * {@code SELECT 1 FROM t WHERE <key> LOCK IN SHARE MODE}, in auto-commit on a READ COMMITTED connection (so
 * no gap locks hold up writers), needs a shared lock on the row, which the writing transaction holds
 * exclusively until its commit completes; the read therefore returns only after that transaction is
 * visible. Commits become visible in binlog order (MariaDB's group commit always orders the
 * engine commits; MySQL does with {@code binlog_order_commits=ON}, the default), so every transaction before
 * it in the binlog is visible too, and one read per batch covers the batch. With
 * {@code binlog_order_commits=OFF} each event is locked on its own. A lock wait longer than the timeout
 * ({@code innodb_lock_wait_timeout}, whole seconds, rounded up) is a timeout.
 *
 * <p>Rows of an initial snapshot were read from this server by a committed read: they need no wait. Events
 * of tables without a usable primary key are not covered: their row is polled for instead.
 */
final class PrimaryRowLock implements CatchUp {

    private static final int LOCK_WAIT_TIMEOUT = 1205;
    private static final int NO_SUCH_TABLE = 1146;
    private static final int UNKNOWN_DATABASE = 1049;

    private final boolean commitsInBinlogOrder;
    private long lockWaitSeconds = -1;

    PrimaryRowLock(boolean commitsInBinlogOrder) {
        this.commitsInBinlogOrder = commitsInBinlogOrder;
    }

    @Override
    public String name() {
        return "primary-lock";
    }

    @Override
    public String description() {
        return commitsInBinlogOrder ? "a locking read of the batch's last row"
                : "a locking read of each event's row (binlog_order_commits=OFF)";
    }

    @Override
    public boolean covers(ChangeEvent event) {
        return event.position().snapshot() || RowMatch.byKey(event.key()) != null;
    }

    @Override
    public boolean coversEarlier() {
        return commitsInBinlogOrder;
    }

    @Override
    public int await(List<ChangeEvent> pending, int needed, Duration timeout, Connection connection)
            throws SQLException, VisibilityTimeoutException {
        // On the primary the whole batch is (or is about to be) committed: waiting for its last event costs
        // no more than waiting for the needed one, and covers the rest.
        ChangeEvent last = pending.get(pending.size() - 1);
        try {
            if (last.position().snapshot() || RowPoll.showsNow(last, connection)) {
                return pending.size();
            }
            setLockWaitTimeout(connection, timeout);
            RowMatch key = RowMatch.byKey(last.key());
            String sql = "SELECT 1 FROM " + RowMatch.table(last) + " WHERE " + key.condition() + " LOCK IN SHARE MODE";
            try (PreparedStatement lock = connection.prepareStatement(sql)) {
                key.bind(lock, 1);
                lock.executeQuery().close();
                return pending.size();
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == NO_SUCH_TABLE || e.getErrorCode() == UNKNOWN_DATABASE) {
                // Dropped since (the daemon is behind): the DROP was logged after the row's transaction, and on the
                // primary a statement is logged only after the transactions logged before it have committed.
                return pending.size();
            }
            if (e.getErrorCode() == LOCK_WAIT_TIMEOUT) {
                throw new VisibilityTimeoutException("the transaction of " + last + " did not commit within "
                        + lockWaitSeconds + " s (a lock wait on its row timed out)", e);
            }
            throw e;
        }
    }

    private void setLockWaitTimeout(Connection connection, Duration timeout) throws SQLException {
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        // Set on every wait: the barrier's pool may have replaced the connection. One statement per batch.
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET SESSION innodb_lock_wait_timeout = " + seconds);
        }
        lockWaitSeconds = seconds;
    }
}
