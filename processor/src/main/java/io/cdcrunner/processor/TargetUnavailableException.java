package io.cdcrunner.processor;

import java.time.Duration;
import java.util.Optional;

/**
 * Thrown by a processor when the system it delivers to (a message broker, an HTTP endpoint) cannot take the event
 * now: it is down, unreachable, or asked to be called later. Not the event's fault, so the daemon treats it like a
 * lost database connection: it retries the event without limit (with backoff, or after {@link #retryAfter()} when
 * the target said when), never stores it as a dead letter, and lets the binlog position pass it only once a later
 * attempt succeeds.
 */
public class TargetUnavailableException extends RuntimeException {

    private final Duration retryAfter;

    public TargetUnavailableException(String message, Throwable cause) {
        this(message, cause, null);
    }

    /**
     * @param retryAfter how long the target asked to wait before the next attempt (an HTTP {@code Retry-After}), or
     *                   {@code null} for the daemon's backoff
     */
    public TargetUnavailableException(String message, Throwable cause, Duration retryAfter) {
        super(message, cause);
        this.retryAfter = retryAfter == null || retryAfter.isNegative() ? null : retryAfter;
    }

    /** How long the target asked to wait, when it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
