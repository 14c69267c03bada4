package io.cdcrunner.delivery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
import io.cdcrunner.processor.ChangeEvent;

/**
 * Delivers one event with retries: failures of the event are retried with exponential backoff and jitter
 * up to {@code processor.retry.max.attempts}; a lost database connection is retried without limit (it is
 * not the event's fault). After the last attempt the event is dead-lettered, or the pipeline halts.
 */
public final class RetryingDelivery {

    private static final Logger log = LoggerFactory.getLogger(RetryingDelivery.class);

    private final EventDelivery delivery;
    private final VisibilityBarrier barrier;
    private final DeliverySettings settings;
    private final DeadLetterSink deadLetters;
    private final DeliveryCounters counters;
    private final BooleanSupplier stopping;

    public RetryingDelivery(EventDelivery delivery, VisibilityBarrier barrier, DeliverySettings settings,
                            DeadLetterSink deadLetters, DeliveryCounters counters, BooleanSupplier stopping) {
        this.delivery = delivery;
        this.barrier = barrier;
        this.settings = settings;
        this.deadLetters = deadLetters;
        this.counters = counters;
        this.stopping = stopping;
    }

    /** True when the processor takes an ordering key's events of a batch at once ({@link #deliverGroup}). */
    boolean takesGroups() {
        return delivery.takesGroups();
    }

    /** Lets the visibility barrier learn the batch's positions before its events run. */
    void prepareBatch(java.util.List<ChangeEvent> batch) {
        barrier.prepareBatch(batch);
    }

    /** The batch given to {@link #prepareBatch} has ended: the barrier lets go of its events. */
    void batchFinished() {
        barrier.batchFinished();
    }

    /** Processes the event until it is done, dead-lettered, halted, or the pipeline stops. */
    public EventResult deliver(ChangeEvent event) {
        // Most events succeed at once: try once without building the retry machinery, which would cost more
        // than a no-op processor call on every event. A failure goes through the retry path below, where it
        // counts as the first attempt exactly as if that path had made it.
        Throwable firstAttempt;
        try {
            barrier.ensureVisible(event);
            return succeeded(delivery.deliver(event));
        } catch (Throwable t) {
            firstAttempt = t;
        }
        Retried<EventResult> retried = retried(event, firstAttempt, () -> {
            barrier.ensureVisible(event);
            return delivery.deliver(event);
        });
        if (retried.result() != null) {
            return succeeded(retried.result());
        }
        return retried.abandoned() ? EventResult.ABANDONED
                : giveUp(event, retried.error(), retried.attempts(), retried.firstFailure());
    }

    /**
     * Processes one ordering key's events of a batch as a unit, for a processor that takes groups: the read barrier
     * for its events (one wait for the last, which usually covers the others), then the group; on failure the group is
     * retried as a unit, and after the last attempt each of its events the ledger does not hold is dead-lettered (or
     * the pipeline halts).
     *
     * @return one result per event, index for index
     */
    public List<EventResult> deliverGroup(List<ChangeEvent> group) {
        Throwable firstAttempt;
        try {
            ensureVisible(group);
            return succeeded(delivery.deliverGroup(group));
        } catch (Throwable t) {
            firstAttempt = t;
        }
        Retried<List<EventResult>> retried = retried(new GroupName(group), firstAttempt, () -> {
            ensureVisible(group);
            return delivery.deliverGroup(group);
        });
        if (retried.result() != null) {
            return succeeded(retried.result());
        }
        if (retried.abandoned()) {
            return java.util.Collections.nCopies(group.size(), EventResult.ABANDONED);
        }
        if (group.size() > 1) {
            // One bad row must not take its family's other rows with it: each event goes on alone, with its own
            // attempts, so only the failing ones are dead-lettered (or halt).
            log.warn("{} failed after {} attempt(s) ({}); its events go on one by one", new GroupName(group),
                    retried.attempts(), retried.error().toString());
            return oneByOne(group);
        }
        // The events a crash left committed before (the ledger holds them) stay done: they are not the failure.
        java.util.Set<String> applied = settings.onFailure() == DeliverySettings.FailureMode.HALT
                ? java.util.Set.of() : delivery.alreadyApplied(group);
        List<EventResult> results = new ArrayList<>(group.size());
        int deadLettered = 0;
        for (ChangeEvent event : group) {
            EventResult result;
            if (!results.isEmpty() && !results.get(results.size() - 1).finished()) {
                // Once one cannot be dead-lettered (or in halt mode), the group halts there.
                result = new EventResult(EventResult.Status.HALTED, retried.error());
            } else if (applied.contains(event.eventId())) {
                result = succeeded(EventResult.DUPLICATE);
            } else {
                result = store(event, retried.error(), retried.attempts(), retried.firstFailure());
                deadLettered += result.status() == EventResult.Status.DEAD_LETTERED ? 1 : 0;
            }
            results.add(result);
        }
        if (deadLettered > 0) {
            log.error("gave up on {} after {} attempt(s), stored {} dead letter(s){}: {}", new GroupName(group),
                    retried.attempts(), deadLettered, applied.isEmpty() ? "" : " (" + applied.size()
                            + " of its events were committed before)", retried.error().toString());
        }
        return results;
    }

    /** The group's events as groups of one, in order; after one that did not finish, the rest do not run either. */
    private List<EventResult> oneByOne(List<ChangeEvent> group) {
        List<EventResult> results = new ArrayList<>(group.size());
        for (ChangeEvent event : group) {
            EventResult last = results.isEmpty() ? null : results.get(results.size() - 1);
            if (last != null && !last.finished()) {
                results.add(last.status() == EventResult.Status.ABANDONED ? EventResult.ABANDONED
                        : new EventResult(EventResult.Status.HALTED, last.error()));
            } else {
                results.addAll(deliverGroup(List.of(event)));
            }
        }
        return results;
    }

    /**
     * Processes several groups of one lane's share of a batch in one transaction, for a processor that takes them
     * together: the read barrier (one wait for {@code latest}, the chunk's last event in commit order, which usually
     * covers the others), then the groups. When that transaction fails, each group goes on alone through
     * {@link #deliverGroup}, with its own retries, so that a failing group holds back no other; after a group that
     * does not finish, the rest are abandoned (delivered again on the next start).
     *
     * @return per group, one result per event, index for index
     */
    List<List<EventResult>> deliverGroups(List<List<ChangeEvent>> groups, ChangeEvent latest) {
        if (groups.size() == 1) {
            return List.of(deliverGroup(groups.get(0)));
        }
        for (int attempt = 1; ; attempt++) {
            try {
                barrier.ensureVisible(latest);
                for (List<ChangeEvent> group : groups) {
                    ensureVisible(group);
                }
                List<List<EventResult>> results = delivery.deliverGroups(groups);
                results.forEach(this::succeeded);
                return results;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception | Error e) {
                // Lanes' transactions can deadlock on the processor's rows through no fault of a group: run it again.
                if (attempt < LOCK_CONFLICT_ATTEMPTS && FailureClassifier.isLockConflict(e) && !stopping.getAsBoolean()) {
                    counters.onRetry();
                    if (backOff(attempt)) {
                        continue;
                    }
                    break;
                }
                log.info("a transaction of {} groups ({} events from {}) failed ({}); processing them group by group",
                        groups.size(), groups.stream().mapToInt(List::size).sum(), groups.get(0).get(0), e.toString());
                break;
            }
        }
        List<List<EventResult>> results = new ArrayList<>(groups.size());
        boolean stop = false;
        for (List<ChangeEvent> group : groups) {
            if (stop || stopping.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                results.add(java.util.Collections.nCopies(group.size(), EventResult.ABANDONED));
                stop = true;
                continue;
            }
            List<EventResult> groupResults = deliverGroup(group);
            results.add(groupResults);
            stop = groupResults.stream().anyMatch(result -> !result.finished());
        }
        return results;
    }

    /** How often {@link #deliverGroups} runs a transaction that lost a lock conflict before going group by group. */
    private static final int LOCK_CONFLICT_ATTEMPTS = 5;

    /** Sleeps a jittered, growing moment after a lost lock conflict; false when interrupted. */
    private boolean backOff(int attempt) {
        long base = Math.max(1, settings.initialBackoff().toMillis()) * attempt;
        try {
            Thread.sleep(base / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(base));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** True when the processor takes several groups in one transaction ({@link #deliverGroups}). */
    boolean takesGroupsTogether() {
        return delivery.takesGroupsTogether();
    }

    /**
     * The barrier for each event of the group, last first: where one wait covers every earlier event (gtid-wait, and
     * primary-lock with binlog_order_commits) the others return at once; where it checks rows (row-poll), each is.
     */
    private void ensureVisible(List<ChangeEvent> group) throws Exception {
        barrier.ensureVisible(group.get(group.size() - 1));
        for (int i = 0; i < group.size() - 1; i++) {
            barrier.ensureVisible(group.get(i));
        }
    }

    /** How the log names a group: its first event and how many follow. */
    private record GroupName(List<ChangeEvent> group) {
        @Override
        public String toString() {
            return group.size() == 1 ? group.get(0).toString()
                    : "the group of " + group.size() + " events from " + group.get(0);
        }
    }

    private List<EventResult> succeeded(List<EventResult> results) {
        for (EventResult result : results) {
            succeeded(result);
        }
        return results;
    }

    private EventResult succeeded(EventResult result) {
        if (result.status() == EventResult.Status.DUPLICATE) {
            counters.onDuplicate();
        } else {
            counters.onProcessed();
        }
        return result;
    }

    /** One attempt at a delivery. */
    @FunctionalInterface
    private interface Attempt<R> {
        R run() throws Exception;
    }

    /**
     * How the retries of a delivery ended: with its result; abandoned (interrupted while backing off, or asked to
     * stop: delivered again on the next start); or given up after the last attempt, with the last error.
     */
    private record Retried<R>(R result, boolean abandoned, Throwable error, int attempts, Instant firstFailure) {
    }

    /** Retries {@code attempt}, whose first try failed with {@code firstAttempt}: that failure counts as attempt 1. */
    private <R> Retried<R> retried(Object what, Throwable firstAttempt, Attempt<R> attempt) {
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
            if (error instanceof InterruptedException || stopping.getAsBoolean()
                    || io.cdcrunner.state.FencedException.isFenced(error)) {
                if (error instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                return new Retried<>(null, true, error, 0, null);
            }
            return new Retried<>(null, false, error, Math.max(1, failures.get()), firstFailure.get());
        }
    }

    /** @param what the event, or the group, as the log lines name it */
    private <R> FailsafeExecutor<R> executor(Object what, AtomicInteger eventFailures,
                                             AtomicReference<Instant> firstFailure) {
        RetryPolicy<R> connectionLost = RetryPolicy.<R>builder()
                .handleIf(FailureClassifier::isConnectionFailure)
                .withMaxRetries(-1)
                .withBackoff(settings.initialBackoff(), settings.maxBackoff().compareTo(settings.initialBackoff()) > 0
                        ? settings.maxBackoff() : settings.initialBackoff().multipliedBy(2))
                .withJitter(0.25)
                .abortIf((result, error) -> stopping.getAsBoolean())
                .onRetry(e -> {
                    counters.onRetry();
                    if (e.getAttemptCount() == 1 || e.getAttemptCount() % 10 == 0) {
                        log.warn("database unreachable while processing {} ({}); retrying until it is back "
                                + "(attempt {})", what, e.getLastException().getMessage(), e.getAttemptCount());
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

    private EventResult giveUp(ChangeEvent event, Throwable error, int attempts, Instant firstFailure) {
        EventResult result = store(event, error, attempts, firstFailure);
        if (result.status() == EventResult.Status.DEAD_LETTERED) {
            log.error("gave up on {} after {} attempt(s), stored as a dead letter: {}", event, attempts, error.toString());
        }
        return result;
    }

    /** After the last attempt: halted (halt mode, or the store failed), or stored as a dead letter and counted. */
    private EventResult store(ChangeEvent event, Throwable error, int attempts, Instant firstFailure) {
        Instant first = firstFailure != null ? firstFailure : Instant.now();
        if (settings.onFailure() == DeliverySettings.FailureMode.HALT) {
            return new EventResult(EventResult.Status.HALTED, error);
        }
        try {
            deadLetters.deadLetter(event, error, attempts, first, Instant.now());
        } catch (Exception storeFailure) {
            error.addSuppressed(storeFailure);
            log.error("could not store {} as a dead letter ({}); halting rather than losing it", event,
                    storeFailure.toString());
            return new EventResult(EventResult.Status.HALTED, error);
        }
        counters.onDeadLettered();
        return new EventResult(EventResult.Status.DEAD_LETTERED, error);
    }
}
