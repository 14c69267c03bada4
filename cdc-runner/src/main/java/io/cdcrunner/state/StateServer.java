package io.cdcrunner.state;

import java.sql.Connection;
import java.sql.SQLException;

import com.zaxxer.hikari.HikariDataSource;

import io.cdcrunner.config.JdbcTarget;
import io.cdcrunner.jdbc.HaSessionLimit;
import io.cdcrunner.jdbc.JdbcPools;

/**
 * The connections of one pipeline to the state server: its pool, reads, and writes that are one transaction each,
 * with the pipeline's {@link Fence} checked first (a shared lock on the lease row), so a deposed instance writes
 * nothing after the takeover.
 */
final class StateServer implements AutoCloseable {

    private final String pipeline;
    private final String shownUrl;
    private final HikariDataSource dataSource;

    StateServer(String pipeline, String shownUrl, HikariDataSource dataSource) {
        this.pipeline = pipeline;
        this.shownUrl = shownUrl;
        this.dataSource = dataSource;
    }

    /**
     * A pool for the state tables, named {@code name-state}, whose sessions keep {@code limit} (see
     * {@link HaSessionLimit}). It does not connect before its first use: a standby keeps trying the state server.
     */
    static HikariDataSource pool(String name, JdbcTarget target, HaSessionLimit limit) {
        return JdbcPools.to(target, name + "-state").size(3, 0).readCommitted().sessionLimit(limit).noStartupCheck().open();
    }

    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    interface Write {
        void run(Connection c) throws SQLException;
    }

    HikariDataSource dataSource() {
        return dataSource;
    }

    String shownUrl() {
        return shownUrl;
    }

    /** The pipeline's epoch of the lease ({@code 0} without {@code ha.enabled}), stored with every row written. */
    long epoch() {
        return Fence.currentEpoch(pipeline).orElse(0);
    }

    <T> T query(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the state of pipeline '" + pipeline + "' from " + shownUrl
                    + ": " + e.getMessage(), e);
        }
    }

    /** One transaction: the fence check (a shared lock on the lease row), the write, the commit. */
    void write(Write work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Fence.check(pipeline, c);
                work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the state of pipeline '" + pipeline + "' to " + shownUrl
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
