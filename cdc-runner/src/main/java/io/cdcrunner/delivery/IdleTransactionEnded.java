package io.cdcrunner.delivery;

import java.time.Duration;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.OptionalLong;

import javax.sql.DataSource;

import io.cdcrunner.jdbc.HaSessionLimit;

/**
 * A processor transaction whose connection broke after it had been open longer than the sessions of an
 * {@code ha.enabled} instance may leave a transaction idle ({@link HaSessionLimit}), while the server itself answers a
 * new connection at once: the server ended that session, most likely because the processor sent no statement for that
 * long. It is the processor's failure, not a lost database: retried with the event's attempts, then dead-lettered (or
 * halting), never retried without end while this instance keeps the lease. A server that does not answer is a lost
 * database, retried as ever (a restart or failover during a long transaction).
 */
public final class IdleTransactionEnded extends RuntimeException {

    private IdleTransactionEnded(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * {@code failure} as it should be classified: an {@link IdleTransactionEnded} when it is a lost connection of a
     * transaction opened at {@code beganNanos} longer than {@code limit} ago; else {@code failure} itself.
     */
    public static Exception classify(Exception failure, long beganNanos, HaSessionLimit limit, DataSource server) {
        Duration open = Duration.ofNanos(System.nanoTime() - beganNanos);
        if (!limit.applies() || open.getSeconds() < limit.seconds() || !FailureClassifier.isConnectionFailure(failure)) {
            return failure;
        }
        OptionalLong serverLimit = sessionLimitOf(server, limit);
        if (serverLimit.isEmpty() || open.getSeconds() < serverLimit.getAsLong()) {
            // The server does not answer (a lost database), or the transaction is younger than its limit there.
            return failure;
        }
        return new IdleTransactionEnded("the processor's transaction lost its connection after " + open.toMillis()
                + " ms: with ha.enabled the server ends a transaction left without a statement for "
                + serverLimit.getAsLong() + " s (ha.lease.timeout.ms; at least " + limit.mysqlSeconds() + " s on MySQL),"
                + " so that a hung instance cannot hold the lease against the takeover. Keep the transaction busy (do"
                + " slow work before or after it), or raise ha.lease.timeout.ms", failure);
    }

    /**
     * The idle limit of the server's sessions, if the server answers a new connection now (a pool validates the one
     * it hands out): the lease timeout on MariaDB, MySQL's longer {@code wait_timeout} there.
     */
    private static OptionalLong sessionLimitOf(DataSource server, HaSessionLimit limit) {
        try (Connection c = server.getConnection()) {
            if (!c.isValid(5)) {
                return OptionalLong.empty();
            }
            boolean mariaDb = c.getMetaData().getDatabaseProductVersion().contains("MariaDB");
            return OptionalLong.of(mariaDb ? limit.seconds() : limit.mysqlSeconds());
        } catch (SQLException e) {
            return OptionalLong.empty();
        }
    }
}
