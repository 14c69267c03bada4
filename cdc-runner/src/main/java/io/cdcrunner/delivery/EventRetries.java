package io.cdcrunner.delivery;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import io.cdcrunner.config.DeliverySettings;
import io.cdcrunner.state.FencedException;

/**
 * The retries of one delivery (an event, or a group as a unit): failures of the event are retried with exponential
 * backoff and jitter up to {@code processor.retry.max.attempts}; a lost database connection, or a processor's target
 * that is unavailable, is retried without limit (it is not the event's fault; a target's Retry-After is honoured up to
 * five minutes); a non-retryable failure, a fenced write or a stop ends them at once.
 */
final class EventRetries {

    /** Under the name operators filter on. */
    private static final Logger log = LoggerFactory.getLogger(RetryingDelivery.class);

    private final DeliverySettings settings;
    private final DeliveryCounters counters;
    private final BooleanSupplier stopping;

    /** The longest wait a target's Retry-After may ask for; a longer one is cut to this. */
    static final java.time.Duration MAX_RETRY_AFTER = java.time.Duration.ofMinutes(5);
    private static final java.time.Duration NO_WAIT_ASKED = java.time.Duration.ofNanos(-1);

    EventRetries(DeliverySettings settings, DeliveryCounters counters, BooleanSupplier stopping) {
        this.settings = settings;
        this.counters = counters;
        this.stopping = stopping;
    }

    /** One attempt at a delivery. */
    @FunctionalInterface
    interface Attempt<R> {
        R run() throws Exception;
    }

    /**
     * How the retries of a delivery ended: with its result; abandoned (interrupted while backing off, or asked to
     * stop: delivered again on the next start); or given up after the last attempt, with the last error.
     */
    record Retried<R>(R result, boolean abandoned, Throwable error, int attempts, Instant firstFailure) {
    }

    /**
     * Retries {@code attempt}, whose first try failed with {@code firstAttempt}: that failure counts as attempt 1.
     *
     * @param what the event, or the group, as the log lines name it
     */
    <R> Retried<R> retry(Object what, Throwable firstAttempt, Attempt<R> attempt) {
        AtomicInteger failures = new AtomicInteger();
        AtomicReference<Instant> firstFailure = new AtomicReference<>();
        AtomicBoolean replayFirst = new AtomicBoolean(true);
        try {
            R result = this.<R>executor(what, failures, firstFailure).get(() -> {
                if (replayFirst.getAndSet(false)) {
                    throw firstAttempt;
                }
                return attempt.run();
            });
            return new Retried<>(result, false, null, 0, null);
        } catch (RuntimeException e) {
            // Failsafe rethrows unchecked failures as they are and wraps checked ones.
            Throwable error = e instanceof FailsafeException && e.getCause() != null ? e.getCause() : e;
            // A fenced write: another instance took over and delivers the event; it is neither retried nor stored.
            if (error instanceof InterruptedException || stopping.getAsBoolean() || FencedException.isFenced(error)) {
                if (error instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                return new Retried<>(null, true, error, 0, null);
            }
            return new Retried<>(null, false, error, Math.max(1, failures.get()), firstFailure.get());
        }
    }

    private <R> FailsafeExecutor<R> executor(Object what, AtomicInteger eventFailures,
                                             AtomicReference<Instant> firstFailure) {
        RetryPolicy<R> connectionLost = RetryPolicy.<R>builder()
                .handleIf(FailureClassifier::isConnectionFailure)
                .withMaxRetries(-1)
                .withBackoff(settings.initialBackoff(), settings.maxBackoff().compareTo(settings.initialBackoff()) > 0
                        ? settings.maxBackoff() : settings.initialBackoff().multipliedBy(2))
                .withJitter(0.25)
                // A target that said when to come back (HTTP Retry-After) is asked again no sooner, and no sooner than
                // the first backoff; a wait over the cap counts as the cap. The jitter takes up to a quarter off a
                // delay, so the delay is a third longer. Retry-After: 0 or a date gone by leaves the wait to the
                // backoff (a negative delay), so a target is never asked again at once forever.
                .withDelayFn(context -> FailureClassifier.retryAfter(context.getLastException())
                        .filter(wait -> !wait.isZero() && !wait.isNegative())
                        .map(wait -> wait.compareTo(settings.initialBackoff()) < 0 ? settings.initialBackoff() : wait)
                        .map(wait -> wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait)
                        .map(wait -> wait.plus(wait.dividedBy(3)))
                        .orElse(NO_WAIT_ASKED))
                .abortIf((result, error) -> stopping.getAsBoolean())
                .onRetry(e -> {
                    counters.onRetry();
                    if (e.getAttemptCount() == 1 || e.getAttemptCount() % 10 == 0) {
                        log.warn("{} while processing {} ({}); retrying until it is back (attempt {})",
                                unreachable(e.getLastException()), what, e.getLastException().getMessage(),
                                e.getAttemptCount());
                    }
                })
                .build();
        RetryPolicy<R> eventFailed = RetryPolicy.<R>builder()
                .handleIf(error -> !FailureClassifier.isConnectionFailure(error))
                .abortIf((result, error) -> error != null && FailureClassifier.isNonRetryable(error))
                .abortIf((result, error) -> stopping.getAsBoolean())
                .withMaxAttempts(settings.maxAttempts())
                .withBackoff(settings.initialBackoff(), settings.maxBackoff().compareTo(settings.initialBackoff()) > 0
                        ? settings.maxBackoff() : settings.initialBackoff().multipliedBy(2))
                .withJitter(0.25)
                .onFailedAttempt(e -> {
                    counters.onFailedAttempt();
                    eventFailures.incrementAndGet();
                    firstFailure.compareAndSet(null, Instant.now());
                })
                .onRetry(e -> {
                    counters.onRetry();
                    log.warn("processing {} failed (attempt {} of {}): {}; retrying", what, e.getAttemptCount(),
                            settings.maxAttempts(), String.valueOf(e.getLastException()));
                })
                .build();
        return Failsafe.with(connectionLost, eventFailed);
    }

    private static String unreachable(Throwable error) {
        return error instanceof io.cdcrunner.processor.TargetUnavailableException
                || (error != null && error.getCause() instanceof io.cdcrunner.processor.TargetUnavailableException)
                ? "processor's target unavailable" : "database unreachable";
    }
}
