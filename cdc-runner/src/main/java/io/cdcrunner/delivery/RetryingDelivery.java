package io.cdcrunner.delivery;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.config.DeliverySettings;
import io.cdcrunner.delivery.EventRetries.Retried;
import io.cdcrunner.processor.ChangeEvent;

/**
 * Delivers one event, one group or several groups, through the read barrier, with retries: failures of the event are
 * retried with exponential backoff and jitter up to {@code processor.retry.max.attempts}; a lost database connection
 * is retried without limit (it is not the event's fault) ({@link EventRetries}); a transaction of several groups that
 * lost a lock conflict runs again ({@link LockConflictRetries}). After the last attempt the event is dead-lettered, or
 * the pipeline halts ({@link GivingUp}).
 */
public final class RetryingDelivery {

    private static final Logger log = LoggerFactory.getLogger(RetryingDelivery.class);

    private final EventDelivery delivery;
    private final VisibilityBarrier barrier;
    private final DeliveryCounters counters;
    private final BooleanSupplier stopping;
    private final EventRetries retries;
    private final LockConflictRetries lockConflicts;
    private final GivingUp givingUp;

    public RetryingDelivery(EventDelivery delivery, VisibilityBarrier barrier, DeliverySettings settings,
                            DeadLetterSink deadLetters, DeliveryCounters counters, BooleanSupplier stopping) {
        this.delivery = delivery;
        this.barrier = barrier;
        this.counters = counters;
        this.stopping = stopping;
        this.retries = new EventRetries(settings, counters, stopping);
        this.lockConflicts = new LockConflictRetries(settings.initialBackoff(), counters, stopping);
        this.givingUp = new GivingUp(settings.onFailure(), deadLetters, counters);
    }

    /** True when the processor takes an ordering key's events of a batch at once ({@link #deliverGroup}). */
    boolean takesGroups() {
        return delivery.takesGroups();
    }

    /** Lets the visibility barrier learn the batch's positions before its events run. */
    void prepareBatch(List<ChangeEvent> batch) {
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
        Retried<EventResult> retried = retries.retry(event, firstAttempt, () -> {
            barrier.ensureVisible(event);
            return delivery.deliver(event);
        });
        if (retried.result() != null) {
            return succeeded(retried.result());
        }
        return retried.abandoned() ? EventResult.ABANDONED
                : givingUp.giveUp(event, retried.error(), retried.attempts(), retried.firstFailure());
    }

    /**
     * Processes one ordering key's events of a batch as a unit, for a processor that takes groups: the read barrier
     * for its events (one wait for the last, which usually covers the others), then the group; on failure the group is
     * retried as a unit. After the last attempt a group of several events goes on one by one, each event a group of one
     * with attempts of its own, so only the failing events are dead-lettered (or halt); a group of one that still fails
     * is dead-lettered unless the ledger holds it (or the pipeline halts).
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
        Retried<List<EventResult>> retried = retries.retry(new GroupName(group), firstAttempt, () -> {
            ensureVisible(group);
            return delivery.deliverGroup(group);
        });
        if (retried.result() != null) {
            return succeeded(retried.result());
        }
        if (retried.abandoned()) {
            return Collections.nCopies(group.size(), EventResult.ABANDONED);
        }
        if (group.size() > 1) {
            // One bad row must not take its family's other rows with it: each event goes on alone, with its own
            // attempts, so only the failing ones are dead-lettered (or halt).
            log.warn("{} failed after {} attempt(s) ({}); its events go on one by one", new GroupName(group),
                    retried.attempts(), retried.error().toString());
            return oneByOne(group);
        }
        // The events a crash left committed before (the ledger holds them) stay done: they are not the failure.
        Set<String> applied = givingUp.halts() ? Set.of() : delivery.alreadyApplied(group);
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
                result = givingUp.store(event, retried.error(), retried.attempts(), retried.firstFailure());
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
        Optional<List<List<EventResult>>> together = lockConflicts.run(() -> {
            barrier.ensureVisible(latest);
            for (List<ChangeEvent> group : groups) {
                ensureVisible(group);
            }
            return delivery.deliverGroups(groups);
        }, e -> "a transaction of " + groups.size() + " groups (" + groups.stream().mapToInt(List::size).sum()
                + " events from " + groups.get(0).get(0) + ") failed (" + e + "); processing them group by group");
        if (together.isPresent()) {
            together.get().forEach(this::succeeded);
            return together.get();
        }
        List<List<EventResult>> results = new ArrayList<>(groups.size());
        boolean stop = false;
        for (List<ChangeEvent> group : groups) {
            if (stop || stopping.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                results.add(Collections.nCopies(group.size(), EventResult.ABANDONED));
                stop = true;
                continue;
            }
            List<EventResult> groupResults = deliverGroup(group);
            results.add(groupResults);
            stop = groupResults.stream().anyMatch(result -> !result.finished());
        }
        return results;
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
}
