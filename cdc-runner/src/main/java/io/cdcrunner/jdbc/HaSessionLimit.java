package io.cdcrunner.jdbc;

import com.zaxxer.hikari.HikariConfig;

import io.cdcrunner.config.HaSettings;

/**
 * How long a database session of an instance running with {@code ha.enabled} may leave a transaction idle before the
 * server ends it. The transactions that write the pipeline's effects hold the lease row (shared,
 * {@link io.cdcrunner.state.Fence}); a hung instance's (stopped, swapping, cut off) would keep the next holder from
 * taking the lease over until its session ends. MariaDB ends such a transaction alone
 * ({@code idle_transaction_timeout}, the lease timeout). MySQL has no such setting: its sessions get a
 * {@code wait_timeout} of the lease timeout but at least {@value #MYSQL_MINIMUM_SECONDS} s, so that the pools'
 * keepalive ({@value #KEEPALIVE_MILLIS} ms, Hikari's shortest) keeps idle connections open; a takeover after a hang
 * there waits up to that long. Either way a processor must not leave its transaction without a statement for longer
 * (docs/ha.md, "What a processor may not do").
 *
 * @param seconds the limit; 0 for none (no {@code ha.enabled})
 */
public record HaSessionLimit(long seconds) {

    /** No limit: a single instance, nothing to take over. */
    public static final HaSessionLimit NONE = new HaSessionLimit(0);
    static final long MYSQL_MINIMUM_SECONDS = 60;
    static final long KEEPALIVE_MILLIS = 30_000;

    /** The limit of an instance with these HA settings. */
    public static HaSessionLimit of(HaSettings ha) {
        return ha.enabled() ? new HaSessionLimit(ha.waitTimeoutSeconds()) : NONE;
    }

    public boolean applies() {
        return seconds > 0;
    }

    /** The limit on MySQL, where it applies to idle sessions in and out of transactions. */
    public long mysqlSeconds() {
        return Math.max(seconds, MYSQL_MINIMUM_SECONDS);
    }

    /**
     * One {@code SET} statement for a new connection, on either server: {@code assignments} (e.g.
     * {@code time_zone = '+00:00'}, or null) and the limit. Null when there is nothing to set.
     */
    public String initSql(String assignments) {
        if (!applies()) {
            return assignments == null ? null : "SET " + assignments;
        }
        // MySQL types IF(an unsigned variable, a signed literal) as DECIMAL, which wait_timeout refuses ("Incorrect
        // argument type"): the CAST keeps it an integer.
        return "SET " + (assignments == null ? "@cdc_runner_ha = 1" : assignments)
                + " /*M!100300 , SESSION idle_transaction_timeout = " + seconds + " */"
                + ", SESSION wait_timeout = CAST(IF(VERSION() LIKE '%MariaDB%', @@SESSION.wait_timeout, "
                + mysqlSeconds() + ") AS UNSIGNED)";
    }

    /**
     * Sets the pool's connection init statement ({@link #initSql}) and, with a limit, a keepalive below it. Only
     * {@link JdbcPools} applies it, so every pool of the daemon gets the limit the same way.
     */
    void applyTo(HikariConfig hikari, String assignments) {
        String init = initSql(assignments);
        if (init != null) {
            hikari.setConnectionInitSql(init);
        }
        if (applies()) {
            hikari.setKeepaliveTime(KEEPALIVE_MILLIS);
        }
    }
}
