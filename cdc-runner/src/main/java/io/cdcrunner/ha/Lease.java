package io.cdcrunner.ha;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import javax.sql.DataSource;

import io.cdcrunner.config.HaSettings;
import io.cdcrunner.config.JdbcTarget;

/**
 * The leader lease of one pipeline: a named lock ({@code GET_LOCK('cdc-runner:<pipeline>')}) held by a connection of
 * its own on the state server, and an epoch in the lease row that every taking of the lease increments. The server
 * frees the lock when the connection ends: at once when the holder's process dies, after the session's
 * {@code wait_timeout} (the lease timeout) when it hangs, and when someone kills the connection.
 */
final class Lease implements AutoCloseable {

    private final JdbcTarget target;
    private final String lockName;
    private final String pipeline;
    private final HaSettings settings;
    private Connection connection;
    private long connectionId;

    Lease(JdbcTarget target, String pipeline, HaSettings settings) {
        this.target = target;
        this.pipeline = pipeline;
        this.lockName = lockName(pipeline);
        this.settings = settings;
    }

    static String lockName(String pipeline) {
        return HaSettings.LEASE_LOCK_PREFIX + pipeline;
    }

    /**
     * Waits up to {@code waitSeconds} for the lock.
     *
     * @return whether this instance holds it now
     * @throws SQLException when the state server cannot be reached (the caller waits and tries again)
     * @throws UnsupportedServer when the server cannot hold a lease for all instances (nothing to wait for)
     */
    synchronized boolean tryAcquire(int waitSeconds) throws SQLException {
        if (connection == null || connection.isClosed()) {
            open();
        }
        try (PreparedStatement lock = connection.prepareStatement("SELECT GET_LOCK(?, ?)")) {
            lock.setString(1, lockName);
            lock.setInt(2, waitSeconds);
            try (ResultSet row = lock.executeQuery()) {
                return row.next() && row.getInt(1) == 1 && !row.wasNull();
            }
        } catch (SQLException e) {
            closeQuietly();
            throw e;
        }
    }

    /** A plain connection to {@code target} (not pooled: the lease's, or a check's), with driver {@code extra}. */
    static Connection connect(JdbcTarget target, Properties extra) throws SQLException {
        Properties properties = target.driverProperties();
        properties.putAll(extra);
        properties.setProperty("user", target.user());
        properties.setProperty("password", target.password().reveal());
        properties.setProperty("connectTimeout", "5000");
        return DriverManager.getConnection(target.url(), properties);
    }

    /** The state server cannot hold a lease every instance sees (a Galera node, a multi-primary group member). */
    static final class UnsupportedServer extends RuntimeException {
        UnsupportedServer(String message) {
            super(message);
        }
    }

    private void open() throws SQLException {
        Properties extra = new Properties();
        // A lost server is noticed by the checks' own statements, not minutes later by TCP.
        extra.setProperty("socketTimeout", String.valueOf(Math.max(5_000, settings.leaseTimeout().toMillis())));
        connection = connect(target, extra);
        try (Statement s = connection.createStatement()) {
            // A hung holder (stopped, swapping, partitioned) goes quiet: the server then ends the session, and with
            // it the lock, after the lease timeout rather than its default eight hours.
            s.execute("SET SESSION wait_timeout = " + settings.waitTimeoutSeconds()
                    + ", SESSION interactive_timeout = " + settings.waitTimeoutSeconds());
            try (ResultSet row = s.executeQuery("SELECT CONNECTION_ID()")) {
                row.next();
                connectionId = row.getLong(1);
            }
        } catch (SQLException e) {
            closeQuietly();
            throw e;
        }
        // Each new connection: a proxy in front of the state server may hand out another node than the last time.
        java.util.Optional<String> unsupported = LeaseTopologyCheck.unsupported(connection);
        if (unsupported.isPresent()) {
            closeQuietly();
            throw new UnsupportedServer("the state server " + target.shownUrl() + " is " + unsupported.get()
                    + ": GET_LOCK is local to each node, so instances connected to different nodes would both take"
                    + " the lease. Point state.jdbc.url (and the processor's database) at one server that is neither,"
                    + " or run a single instance (ha.enabled=false)");
        }
    }

    /** Whether this instance still holds the lock: its connection answers and the server names it as the holder. */
    synchronized boolean held() {
        if (connection == null) {
            return false;
        }
        try (PreparedStatement check = connection.prepareStatement("SELECT IS_USED_LOCK(?) = CONNECTION_ID()")) {
            check.setQueryTimeout((int) Math.max(1, settings.checkInterval().toSeconds()));
            check.setString(1, lockName);
            try (ResultSet row = check.executeQuery()) {
                return row.next() && row.getBoolean(1);
            }
        } catch (SQLException e) {
            closeQuietly();
            return false;
        }
    }

    /** The lease connection's id on the state server: another connection seeing it hold the lock is on that server. */
    synchronized long connectionId() {
        return connectionId;
    }

    /**
     * Increments the lease row's epoch, once the transactions of the previous holder that already checked it are
     * done (they hold a shared lock on the row; a hung one's transaction ends at {@code idle_transaction_timeout}).
     *
     * @return the new epoch
     */
    long takeEpoch(DataSource state, String leaseTable, String holder) throws SQLException {
        try (Connection c = state.getConnection()) {
            try (PreparedStatement insert = c.prepareStatement("INSERT IGNORE INTO " + leaseTable
                    + " (pipeline, epoch) VALUES (?, 0)")) {
                c.setAutoCommit(true);
                insert.setString(1, pipeline);
                insert.executeUpdate();
            }
            c.setAutoCommit(false);
            try {
                long epoch;
                try (PreparedStatement select = c.prepareStatement("SELECT epoch FROM " + leaseTable
                        + " WHERE pipeline = ? FOR UPDATE")) {
                    select.setString(1, pipeline);
                    try (ResultSet row = select.executeQuery()) {
                        row.next();
                        epoch = row.getLong(1) + 1;
                    }
                }
                try (PreparedStatement update = c.prepareStatement("UPDATE " + leaseTable
                        + " SET epoch = ?, holder = ?, acquired_at = NOW(6) WHERE pipeline = ?")) {
                    update.setLong(1, epoch);
                    update.setString(2, holder);
                    update.setString(3, pipeline);
                    update.executeUpdate();
                }
                c.commit();
                return epoch;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /** Gives the lock up (and the connection): the standby's GET_LOCK returns at once. */
    synchronized void release() {
        if (connection == null) {
            return;
        }
        try (PreparedStatement unlock = connection.prepareStatement("DO RELEASE_LOCK(?)")) {
            unlock.setString(1, lockName);
            unlock.execute();
        } catch (SQLException e) {
            // The connection is gone, and the lock with it.
        }
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // Closing a broken connection.
        }
        connection = null;
    }

    @Override
    public synchronized void close() {
        release();
    }
}
