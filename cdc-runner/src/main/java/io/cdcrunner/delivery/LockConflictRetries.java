package io.cdcrunner.delivery;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Runs a transaction of several groups again when it lost a lock conflict: lanes' transactions can deadlock on the
 * processor's rows through no fault of a group. Any other failure, the last attempt, a stop or an interrupt ends it,
 * and the caller goes group by group.
 */
final class LockConflictRetries {

    /** Under the name operators filter on. */
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RetryingDelivery.class);

    /** How often a transaction that lost a lock conflict runs before the caller goes group by group. */
    static final int ATTEMPTS = 5;

    private final Duration initialBackoff;
    private final DeliveryCounters counters;
    private final BooleanSupplier stopping;

    LockConflictRetries(Duration initialBackoff, DeliveryCounters counters, BooleanSupplier stopping) {
        this.initialBackoff = initialBackoff;
        this.counters = counters;
        this.stopping = stopping;
    }

    /**
     * The transaction's result, or empty when it did not succeed (interrupted: the thread's flag is set again).
     *
     * @param failed what to log when it gives up, given the failure
     */
    <R> Optional<R> run(EventRetries.Attempt<R> transaction, Function<Throwable, String> failed) {
        for (int attempt = 1; ; attempt++) {
            try {
                return Optional.of(transaction.run());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            } catch (Exception | Error e) {
                if (attempt < ATTEMPTS && FailureClassifier.isLockConflict(e) && !stopping.getAsBoolean()) {
                    counters.onRetry();
                    if (backOff(attempt)) {
                        continue;
                    }
                    return Optional.empty();
                }
                log.info(failed.apply(e));
                return Optional.empty();
            }
        }
    }

    /** Sleeps a jittered, growing moment after a lost lock conflict; false when interrupted. */
    private boolean backOff(int attempt) {
        long base = Math.max(1, initialBackoff.toMillis()) * attempt;
        try {
            Thread.sleep(base / 2 + ThreadLocalRandom.current().nextLong(base));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
