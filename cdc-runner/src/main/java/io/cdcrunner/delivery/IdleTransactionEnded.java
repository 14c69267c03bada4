package io.cdcrunner.delivery;

import java.time.Duration;

import io.cdcrunner.state.HaSessionLimit;

/**
 * A processor transaction whose connection broke after it had been open longer than the sessions of an
 * {@code ha.enabled} instance may leave a transaction idle ({@link HaSessionLimit}): most likely the server ended it
 * because the processor sent no statement for that long. It is the processor's failure, not a lost database: retried
 * with the event's attempts, then dead-lettered (or halting), never retried without end while this instance keeps the
 * lease.
 */
public final class IdleTransactionEnded extends RuntimeException {

    private IdleTransactionEnded(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * {@code failure} as it should be classified: an {@link IdleTransactionEnded} when it is a lost connection of a
     * transaction opened at {@code beganNanos} longer than {@code limit} ago; else {@code failure} itself.
     */
    public static Exception classify(Exception failure, long beganNanos, HaSessionLimit limit) {
        Duration open = Duration.ofNanos(System.nanoTime() - beganNanos);
        if (!limit.applies() || open.getSeconds() < limit.seconds() || !FailureClassifier.isConnectionFailure(failure)) {
            return failure;
        }
        return new IdleTransactionEnded("the processor's transaction lost its connection after " + open.toMillis()
                + " ms: with ha.enabled the server ends a transaction left without a statement for "
                + limit.seconds() + " s (ha.lease.timeout.ms; " + limit.mysqlSeconds() + " s on MySQL), so that a "
                + "hung instance cannot hold the lease against the takeover. Keep the transaction busy (do slow work "
                + "before or after it), or raise ha.lease.timeout.ms", failure);
    }
}
