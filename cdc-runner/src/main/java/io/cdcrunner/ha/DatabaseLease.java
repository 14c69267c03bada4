package io.cdcrunner.ha;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.zaxxer.hikari.HikariDataSource;

import io.cdcrunner.config.JdbcTarget;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.core.SourceStatus;
import io.cdcrunner.pipeline.TermLease;
import io.cdcrunner.state.Fence;
import io.cdcrunner.jdbc.HaSessionLimit;
import io.cdcrunner.state.JdbcStateStore;

/**
 * The lease of one of several instances ({@code ha.enabled}): the lock on the state server ({@link Lease}), then the
 * lease row's next epoch, then the check that the ledger and the dead letters are on that server, then a
 * {@link Fence} of that epoch that every durable write of the term checks. Waits through state-server outages, a
 * second at a time.
 */
public final class DatabaseLease implements TermLease {

    private static final Logger log = LoggerFactory.getLogger(DatabaseLease.class);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final RunnerConfig config;
    private final Lease lock;
    private final String holder = holderName();
    private final String leaseTable;
    private final CountDownLatch closed = new CountDownLatch(1);
    private HikariDataSource pool;
    private boolean tablesCreated;
    private volatile long epoch;
    private volatile Fence fence;
    /** Why a standby cannot reach its state server; null while it can (monitoring times the outage). */
    private volatile String stateError;

    public DatabaseLease(RunnerConfig config) {
        this.config = config;
        this.lock = new Lease(config.state().jdbc(), config.pipelineName(), config.ha());
        this.leaseTable = JdbcStateStore.leaseTable(config.state());
    }

    @Override
    public boolean acquire(Runnable onFenced) throws InterruptedException {
        try {
            while (!stopping()) {
                long waitingSince = System.nanoTime();
                log.info("pipeline '{}' standing by: waiting for the lease {}", config.pipelineName(),
                        Lease.lockName(config.pipelineName()));
                if (!lockWithTables()) {
                    return false;
                }
                long took = System.nanoTime();
                if (takeEpoch()) {
                    fence = new Fence(config.pipelineName(), leaseTable, epoch, onFenced);
                    fence.install();
                    log.info("pipeline '{}' active: took the lease (epoch {}) as {} after {} ms in standby",
                            config.pipelineName(), epoch, holder, Duration.ofNanos(took - waitingSince).toMillis());
                    return true;
                }
                waitBeforeRetry();
            }
            return false;
        } catch (Lease.UnsupportedServer e) {
            throw new Refused(e.getMessage());
        }
    }

    /** Waits for the lock, a second at a time (so a stop is noticed), through state-server outages. */
    private boolean lockWithTables() throws InterruptedException {
        int failures = 0;
        while (!stopping()) {
            try {
                // The lock first: its plain connection says at once why the server refuses (the pool would wait).
                boolean taken = lock.tryAcquire(1);
                stateError = null;
                if (taken) {
                    if (pool == null) {
                        pool = JdbcStateStore.pool(config.pipelineName() + "-lease", config.state().jdbc(),
                                HaSessionLimit.of(config.ha()));
                    }
                    if (!tablesCreated) {
                        try {
                            JdbcStateStore.createTables(pool, config.state());
                        } catch (SQLException e) {
                            lock.release();
                            throw e;
                        }
                        tablesCreated = true;
                    }
                    return true;
                }
                failures = 0;
            } catch (SQLException e) {
                stateError = String.valueOf(e.getMessage());
                if (failures++ % 30 == 0) {
                    log.warn("pipeline '{}' standing by: cannot reach the state server {} ({}); trying again",
                            config.pipelineName(), config.state().jdbc().shownUrl(), e.getMessage());
                }
                waitBeforeRetry();
            }
        }
        return false;
    }

    /** Holding the lock: the next epoch, and the stores checked; false (lock given up) to try again. */
    private boolean takeEpoch() {
        try {
            epoch = lock.takeEpoch(pool, leaseTable, holder);
        } catch (SQLException e) {
            log.warn("pipeline '{}': took the lock but cannot update the lease row {} ({}); standing by again",
                    config.pipelineName(), leaseTable, e.getMessage());
            lock.release();
            return false;
        }
        try {
            Optional<String> elsewhere = storesElsewhere();
            if (elsewhere.isPresent()) {
                lock.release();
                throw new Refused(elsewhere.get());
            }
            return true;
        } catch (SQLException e) {
            // Without the check a takeover could write where the lease does not fence; the other instance may fare
            // better, or this one later.
            log.warn("pipeline '{}': took the lease but cannot check that the processor's database and the dead "
                    + "letters are on the lease's server ({}); standing by again", config.pipelineName(),
                    e.getMessage());
            lock.release();
            return false;
        }
    }

    /**
     * The ledger (the processor's pool) and the dead letters must be on the lease's server, where their transactions
     * can read the lease row: a connection there sees this instance's lease connection hold the lock.
     *
     * @throws SQLException when a store cannot be reached: it is not known where it is
     */
    private Optional<String> storesElsewhere() throws SQLException {
        for (var store : new Object[][] {
                {config.processor().jdbc(), "the processor's database (processor.jdbc.url), which holds the ledger"},
                {config.deadLetters().jdbc(), "the dead-letter store (deadletter.jdbc.url)"}}) {
            JdbcTarget target = (JdbcTarget) store[0];
            try (Connection c = Lease.connect(target, new Properties());
                 PreparedStatement check = c.prepareStatement("SELECT IS_USED_LOCK(?)")) {
                check.setString(1, Lease.lockName(config.pipelineName()));
                try (ResultSet row = check.executeQuery()) {
                    row.next();
                    if (row.getLong(1) != lock.connectionId()) {
                        return Optional.of(store[1] + " at " + target.shownUrl() + " is not the state server "
                                + config.state().jdbc().shownUrl() + " where the lease is held: its transactions could"
                                + " not check the lease. Point state.jdbc.url and deadletter.jdbc.url at the"
                                + " processor's server (or leave them unset)");
                    }
                }
            } catch (SQLException e) {
                throw new SQLException(store[1] + " at " + target.shownUrl() + ": " + e.getMessage(), e);
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean held() {
        return lock.held();
    }

    @Override
    public void retire() {
        Fence current = fence;
        if (current != null) {
            current.retire();
        }
    }

    @Override
    public void release() {
        retire();
        lock.release();
    }

    @Override
    public void close() {
        closed.countDown();
        if (pool != null) {
            pool.close();
        }
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public String describe() {
        return " (epoch " + epoch + ")";
    }

    /** Standing by, whether the state server (where the lease is) can be reached. */
    @Override
    public SourceStatus standbyStatus() {
        String error = stateError;
        return error == null ? SourceStatus.UNKNOWN : SourceStatus.unreachable("standing by, but the state server "
                + config.state().jdbc().shownUrl() + " cannot be reached or refuses the login (" + error + "): this"
                + " instance cannot take over; check state.jdbc.url/user/password");
    }

    /** The epoch this instance holds (or last held) the lease with; 0 before the first. */
    public long epoch() {
        return epoch;
    }

    private boolean stopping() {
        return closed.getCount() == 0;
    }

    private void waitBeforeRetry() throws InterruptedException {
        closed.await(RETRY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static String holderName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return ProcessHandle.current().pid() + "@" + host;
    }
}
