package io.cdcrunner.jdbc;

import java.time.Duration;
import java.util.Objects;
import java.util.Properties;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.cdcrunner.config.HaSettings;
import io.cdcrunner.config.JdbcTarget;

/**
 * The one way the daemon builds a connection pool: where it connects ({@link JdbcTarget}, the password revealed only
 * to the pool), its name, its sizes, its isolation, what each new session sets ({@link HaSessionLimit} with
 * {@code ha.enabled}, plus the caller's own assignments) and how long its start may wait for the server. What is not
 * set keeps Hikari's default.
 *
 * <pre>{@code
 * HikariDataSource pool = JdbcPools.to(target, pipeline + "-state").size(3, 0).readCommitted()
 *         .sessionLimit(HaSessionLimit.of(config.ha())).noStartupCheck().open();
 * }</pre>
 */
public final class JdbcPools {

    private JdbcPools() {
    }

    /** A pool to {@code target} named {@code poolName} (shown in Hikari's log lines and thread names). */
    public static Builder to(JdbcTarget target, String poolName) {
        return new Builder(target, poolName);
    }

    /** Settings of one pool; {@link #open} connects. */
    public static final class Builder {

        private final JdbcTarget target;
        private final String poolName;
        private Properties driverProperties;
        private int maximumSize = -1;
        private int minimumIdle = -1;
        private boolean readCommitted;
        private HaSessionLimit sessionLimit = HaSessionLimit.NONE;
        private String sessionAssignments;
        private Long initializationFailMillis;

        private Builder(JdbcTarget target, String poolName) {
            this.target = Objects.requireNonNull(target, "target");
            this.poolName = Objects.requireNonNull(poolName, "poolName");
            this.driverProperties = target.driverProperties();
        }

        /** Driver properties in place of the target's own (a dead-letter store's context carries them as given). */
        public Builder driverProperties(Properties properties) {
            this.driverProperties = properties;
            return this;
        }

        /** At most {@code maximum} connections, at least {@code minimumIdle} kept open while idle. */
        public Builder size(int maximum, int minimumIdle) {
            this.maximumSize = maximum;
            this.minimumIdle = minimumIdle;
            return this;
        }

        /** Each statement sees the latest committed rows, and locking reads take no gap locks. */
        public Builder readCommitted() {
            this.readCommitted = true;
            return this;
        }

        /** The idle-session limit of an instance with these HA settings (none without {@code ha.enabled}). */
        public Builder sessionLimit(HaSettings ha) {
            return sessionLimit(HaSessionLimit.of(ha));
        }

        /** How long a session may leave a transaction idle ({@link HaSessionLimit#NONE} for no limit). */
        public Builder sessionLimit(HaSessionLimit limit) {
            this.sessionLimit = Objects.requireNonNull(limit, "limit");
            return this;
        }

        /** Session variables every new connection sets, e.g. {@code time_zone = '+00:00'}. */
        public Builder sessionAssignments(String assignments) {
            this.sessionAssignments = assignments;
            return this;
        }

        /** {@link #open} fails when no connection is made within {@code timeout}: at start, not on first use. */
        public Builder failFastAfter(Duration timeout) {
            this.initializationFailMillis = timeout.toMillis();
            return this;
        }

        /** {@link #open} does not connect; the first use does (and fails if the server is away). */
        public Builder noStartupCheck() {
            this.initializationFailMillis = -1L;
            return this;
        }

        /**
         * The pool, started.
         *
         * @throws RuntimeException (Hikari's) when the server cannot be reached within the start-up timeout; the
         *                          caller names the keys to check
         */
        public HikariDataSource open() {
            HikariDataSource pool = new HikariDataSource(config());
            if (target.followsSource()) {
                // Connections made before a failover lead to the old server: new ones go to the server read now.
                target.source().servers().onMove(() -> {
                    if (pool.isClosed()) {
                        return false;
                    }
                    pool.getHikariPoolMXBean().softEvictConnections();
                    return true;
                });
            }
            return pool;
        }

        HikariConfig config() {
            HikariConfig hikari = new HikariConfig();
            hikari.setPoolName(poolName);
            if (target.followsSource()) {
                hikari.setDataSource(new CurrentServerDataSource(target, driverProperties));
            } else {
                hikari.setJdbcUrl(target.url());
                hikari.setDataSourceProperties(driverProperties);
            }
            hikari.setUsername(target.user());
            hikari.setPassword(target.password().reveal());
            if (maximumSize > 0) {
                hikari.setMaximumPoolSize(maximumSize);
            }
            if (minimumIdle >= 0) {
                hikari.setMinimumIdle(minimumIdle);
            }
            if (readCommitted) {
                hikari.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
            }
            sessionLimit.applyTo(hikari, sessionAssignments);
            if (initializationFailMillis != null) {
                hikari.setInitializationFailTimeout(initializationFailMillis);
            }
            return hikari;
        }
    }
}
