package io.cdcrunner.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The leader lease of several instances of one pipeline: the {@code ha.*} keys.
 *
 * @param enabled       {@code ha.enabled}
 * @param leaseTimeout  {@code ha.lease.timeout.ms}: how long a hung holder keeps the lease
 * @param checkInterval {@code ha.lease.check.interval.ms}: how often the holder checks it still holds it
 */
public record HaSettings(boolean enabled, Duration leaseTimeout, Duration checkInterval) {

    /** The lease is the lock of this name followed by the pipeline's. */
    public static final String LEASE_LOCK_PREFIX = "cdc-runner:";
    /** MySQL's longest user lock name ({@code GET_LOCK}). */
    public static final int LOCK_NAME_LIMIT = 64;

    public HaSettings {
        Objects.requireNonNull(leaseTimeout, "leaseTimeout");
        Objects.requireNonNull(checkInterval, "checkInterval");
    }

    /** The lease connection's {@code wait_timeout}: the lease timeout in whole seconds, rounded up. */
    public long waitTimeoutSeconds() {
        return Math.max(1, (leaseTimeout.toMillis() + 999) / 1000);
    }
}
