package io.cdcrunner.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.cdcrunner.config.DeliverySettings;
import io.cdcrunner.config.DeliverySettings.FailureMode;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.EventProcessor;
import io.cdcrunner.processor.NonRetryableException;
import io.cdcrunner.testkit.ChangeEventBuilder;
import io.cdcrunner.testkit.UnitTest;

/** Lanes and retries with an in-memory processor: ordering, parallelism, retries, dead letters, halts. */
@UnitTest
class LanesTest {

    private final List<ChangeEvent> deadLettered = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> deadLetterAttempts = new ConcurrentHashMap<>();
    private final DeliveryCounters counters = new DeliveryCounters();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private Lanes lanes;

    @AfterEach
    void closeLanes() {
        if (lanes != null) {
            lanes.close();
        }
    }

    private Lanes lanes(int threads, EventProcessor processor, int maxAttempts, FailureMode mode, Optional<String> column) {
        DeliverySettings settings = new DeliverySettings(threads, column, maxAttempts, Duration.ofMillis(1),
                Duration.ofMillis(5), mode, "cdc_runner.processed_events");
        DeadLetterSink sink = (event, error, attempts, first, last) -> {
            deadLettered.add(event);
            deadLetterAttempts.put(event.eventId(), attempts);
        };
        RetryingDelivery retrying = new RetryingDelivery(new EventDelivery(processor, null, null), VisibilityBarrier.NONE, settings, sink,
                counters, stopping::get);
        lanes = new Lanes(threads, new OrderingKey(column), retrying, (e, t) -> { }, stopping::get, "test");
        return lanes;
    }

    private static ChangeEvent event(long id, int family, int row) {
        return ChangeEventBuilder.insert().key("id", id).after(Map.of("id", id, "family", family)).at(1000 + id)
                .row(row).build();
    }

    @Test
    void eventsOfOneKeyRunInCommitOrderOnOneLaneAndOtherKeysRunInParallel() throws Exception {
        Map<Integer, List<Long>> seenByFamily = new ConcurrentHashMap<>();
        Map<Integer, String> threadByFamily = new ConcurrentHashMap<>();
        CyclicBarrier bothFamiliesAtOnce = new CyclicBarrier(2);
        EventProcessor processor = event -> {
            int family = (Integer) event.row().get("family");
            long id = event.row().getLong("id");
            if (id <= 2) {
                // The first event of each family waits for the other: it passes only if lanes run in parallel.
                bothFamiliesAtOnce.await(10, TimeUnit.SECONDS);
            }
            threadByFamily.merge(family, Thread.currentThread().getName(), (a, b) -> a.equals(b) ? a : "MIXED");
            seenByFamily.computeIfAbsent(family, f -> new CopyOnWriteArrayList<>()).add(id);
        };
        List<ChangeEvent> events = new ArrayList<>();
        events.add(event(1, 1, 0));
        events.add(event(2, 2, 0));
        for (long id = 3; id <= 200; id++) {
            events.add(event(id, (int) (id % 2) + 1, 0));
        }
        List<EventResult> results = lanes(4, processor, 3, FailureMode.DEAD_LETTER, Optional.of("family")).process(events);

        assertThat(results).allMatch(r -> r.status() == EventResult.Status.PROCESSED);
        assertThat(threadByFamily.values()).doesNotContain("MIXED");
        for (List<Long> ids : seenByFamily.values()) {
            assertThat(ids).isSorted();
        }
        assertThat(seenByFamily.get(1)).hasSize(100);
        assertThat(seenByFamily.get(2)).hasSize(100);
    }

    @Test
    void theBarrierLetsGoOfABatchOnceItsEventsHaveEnded() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        VisibilityBarrier barrier = new VisibilityBarrier() {
            @Override
            public void prepareBatch(List<ChangeEvent> batch) {
                calls.add("prepare " + batch.size());
            }

            @Override
            public void batchFinished() {
                calls.add("finished");
            }

            @Override
            public void ensureVisible(ChangeEvent event) {
                calls.add("event " + event.row().getLong("id"));
            }
        };
        DeliverySettings settings = new DeliverySettings(2, Optional.empty(), 1, Duration.ofMillis(1),
                Duration.ofMillis(5), FailureMode.DEAD_LETTER, "cdc_runner.processed_events");
        RetryingDelivery retrying = new RetryingDelivery(new EventDelivery(event -> { }, null, null), barrier, settings,
                (event, error, attempts, first, last) -> { }, counters, stopping::get);
        lanes = new Lanes(2, new OrderingKey(Optional.empty()), retrying, (e, t) -> { }, stopping::get, "test");

        lanes.process(List.of(event(1, 1, 0), event(2, 2, 0)));

        // Held until the next batch, the events of a batch of large rows would keep its memory from the next one.
        assertThat(calls).hasSize(4).startsWith("prepare 2").endsWith("finished")
                .contains("event 1", "event 2");
    }

    @Test
    void aFailingEventIsRetriedThenSucceeds() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        EventProcessor flaky = event -> {
            if (calls.incrementAndGet() <= 2) {
                throw new IllegalStateException("transient trouble");
            }
        };
        List<EventResult> results = lanes(1, flaky, 5, FailureMode.DEAD_LETTER, Optional.empty())
                .process(List.of(event(1, 1, 0)));
        assertThat(results.get(0).status()).isEqualTo(EventResult.Status.PROCESSED);
        assertThat(calls).hasValue(3);
        assertThat(counters.retried()).isEqualTo(2);
        assertThat(deadLettered).isEmpty();
    }

    @Test
    void afterTheLastAttemptTheEventIsDeadLetteredAndTheOthersAreProcessed() throws Exception {
        List<Long> processed = new CopyOnWriteArrayList<>();
        EventProcessor poison = event -> {
            if (event.row().getLong("id") == 5) {
                throw new IllegalArgumentException("poison row 5");
            }
            processed.add(event.row().getLong("id"));
        };
        List<ChangeEvent> events = new ArrayList<>();
        for (long id = 1; id <= 10; id++) {
            events.add(event(id, 1, 0));
        }
        List<EventResult> results = lanes(2, poison, 3, FailureMode.DEAD_LETTER, Optional.empty()).process(events);
        assertThat(results.get(4).status()).isEqualTo(EventResult.Status.DEAD_LETTERED);
        assertThat(results.get(4).error()).hasMessage("poison row 5");
        assertThat(results).filteredOn(EventResult::finished).hasSize(10);
        assertThat(processed).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 6L, 7L, 8L, 9L, 10L);
        assertThat(deadLettered).extracting(e -> e.row().getLong("id")).containsExactly(5L);
        assertThat(deadLetterAttempts.get(events.get(4).eventId())).isEqualTo(3);
    }

    @Test
    void aNonRetryableFailureIsNotRetried() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        EventProcessor refuses = event -> {
            calls.incrementAndGet();
            throw new NonRetryableException("bad data");
        };
        List<EventResult> results = lanes(1, refuses, 5, FailureMode.DEAD_LETTER, Optional.empty())
                .process(List.of(event(1, 1, 0)));
        assertThat(results.get(0).status()).isEqualTo(EventResult.Status.DEAD_LETTERED);
        assertThat(calls).hasValue(1);
    }

    @Test
    void inHaltModeTheLaneStopsAtTheFailingEvent() throws Exception {
        List<Long> processed = new CopyOnWriteArrayList<>();
        EventProcessor poison = event -> {
            if (event.row().getLong("id") == 3) {
                throw new IllegalArgumentException("poison row 3");
            }
            processed.add(event.row().getLong("id"));
        };
        List<ChangeEvent> events = List.of(event(1, 1, 0), event(2, 1, 0), event(3, 1, 0), event(4, 1, 0));
        List<EventResult> results = lanes(1, poison, 2, FailureMode.HALT, Optional.empty()).process(events);
        assertThat(results).extracting(EventResult::status).containsExactly(EventResult.Status.PROCESSED,
                EventResult.Status.PROCESSED, EventResult.Status.HALTED, EventResult.Status.ABANDONED);
        assertThat(processed).containsExactly(1L, 2L);
        assertThat(deadLettered).isEmpty();
    }

    @Test
    void aLostDatabaseConnectionIsRetriedBeyondTheAttemptLimit() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        EventProcessor databaseDown = event -> {
            if (calls.incrementAndGet() <= 8) {
                throw new SQLTransientConnectionException("Connection is not available, request timed out");
            }
        };
        List<EventResult> results = lanes(1, databaseDown, 2, FailureMode.DEAD_LETTER, Optional.empty())
                .process(List.of(event(1, 1, 0)));
        assertThat(results.get(0).status()).isEqualTo(EventResult.Status.PROCESSED);
        assertThat(calls).hasValue(9);
        assertThat(deadLettered).isEmpty();
    }

    @Test
    void aTargetThatIsUnavailableIsRetriedBeyondTheAttemptLimitAfterTheWaitItAskedFor() throws Exception {
        List<Long> callTimes = new java.util.concurrent.CopyOnWriteArrayList<>();
        EventProcessor brokerDown = event -> {
            callTimes.add(System.nanoTime());
            if (callTimes.size() <= 4) {
                // The first refusal asks for 300 ms; the others leave the wait to the backoff (1-5 ms here).
                throw new io.cdcrunner.processor.TargetUnavailableException("broker down", null,
                        callTimes.size() == 1 ? Duration.ofMillis(300) : null);
            }
        };
        List<EventResult> results = lanes(1, brokerDown, 2, FailureMode.DEAD_LETTER, Optional.empty())
                .process(List.of(event(1, 1, 0)));

        assertThat(results.get(0).status()).isEqualTo(EventResult.Status.PROCESSED);
        assertThat(callTimes).hasSize(5);
        assertThat(deadLettered).isEmpty();
        assertThat(Duration.ofNanos(callTimes.get(1) - callTimes.get(0))).as("the wait the target asked for")
                .isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aStopAbandonsAnEventWaitingForTheDatabase() throws Exception {
        EventProcessor databaseDown = event -> {
            stopping.set(true);
            throw new SQLTransientConnectionException("Connection is not available");
        };
        List<EventResult> results = lanes(1, databaseDown, 2, FailureMode.DEAD_LETTER, Optional.empty())
                .process(List.of(event(1, 1, 0), event(2, 1, 0)));
        assertThat(results).extracting(EventResult::status)
                .containsExactly(EventResult.Status.ABANDONED, EventResult.Status.ABANDONED);
        assertThat(deadLettered).isEmpty();
    }

    /** A processor that takes groups and records each call's event ids; it fails the groups holding {@code failOn}. */
    private static final class RecordingGroups implements io.cdcrunner.processor.GroupProcessor {
        final List<List<Long>> calls = new CopyOnWriteArrayList<>();
        final java.util.Set<Long> failOn = java.util.concurrent.ConcurrentHashMap.newKeySet();

        @Override
        public void processGroup(List<ChangeEvent> events) {
            List<Long> ids = events.stream().map(e -> e.row().getLong("id")).toList();
            calls.add(ids);
            if (ids.stream().anyMatch(failOn::contains)) {
                throw new IllegalStateException("group " + ids + " failed");
            }
        }
    }

    @Test
    void aGroupProcessorIsCalledOncePerKeyWithThatKeysEventsInCommitOrder() throws Exception {
        RecordingGroups groups = new RecordingGroups();
        List<ChangeEvent> batch = List.of(event(1, 7, 0), event(2, 8, 0), event(3, 7, 0), event(4, 9, 0),
                event(5, 8, 0), event(6, 7, 0));
        List<EventResult> results = lanes(2, groups, 3, FailureMode.DEAD_LETTER, Optional.of("family")).process(batch);

        assertThat(results).allSatisfy(r -> assertThat(r.status()).isEqualTo(EventResult.Status.PROCESSED));
        assertThat(groups.calls).containsExactlyInAnyOrder(List.of(1L, 3L, 6L), List.of(2L, 5L), List.of(4L));
        assertThat(counters.processed()).isEqualTo(6);
    }

    @Test
    void aFailingGroupIsRetriedAsAUnitThenEventByEventSoOnlyTheFailingEventIsDeadLettered() throws Exception {
        RecordingGroups groups = new RecordingGroups();
        groups.failOn.add(3L);
        List<ChangeEvent> batch = List.of(event(1, 7, 0), event(2, 8, 0), event(3, 7, 0));
        List<EventResult> results = lanes(1, groups, 3, FailureMode.DEAD_LETTER, Optional.of("family")).process(batch);

        assertThat(results).extracting(EventResult::status).containsExactly(EventResult.Status.PROCESSED,
                EventResult.Status.PROCESSED, EventResult.Status.DEAD_LETTERED);
        // Three attempts of the family-7 group with both of its events, then each alone (3 with three attempts of its
        // own); family 8 once.
        assertThat(groups.calls).containsExactly(List.of(1L, 3L), List.of(1L, 3L), List.of(1L, 3L), List.of(1L),
                List.of(3L), List.of(3L), List.of(3L), List.of(2L));
        assertThat(deadLettered).extracting(e -> e.row().getLong("id")).containsExactly(3L);
        assertThat(deadLetterAttempts).containsEntry(event(3, 7, 0).eventId(), 3);
    }

    @Test
    void aHaltedGroupHaltsAtItsFailingEventAndLeavesTheLanesLaterGroupsUnrun() throws Exception {
        RecordingGroups groups = new RecordingGroups();
        groups.failOn.add(1L);
        List<ChangeEvent> batch = List.of(event(1, 7, 0), event(2, 8, 0), event(3, 7, 0));
        List<EventResult> results = lanes(1, groups, 2, FailureMode.HALT, Optional.of("family")).process(batch);

        assertThat(results).extracting(EventResult::status).containsExactly(EventResult.Status.HALTED,
                EventResult.Status.ABANDONED, EventResult.Status.HALTED);
        // The group twice, then its first event alone twice: it halts there, and 3 never runs alone.
        assertThat(groups.calls).containsExactly(List.of(1L, 3L), List.of(1L, 3L), List.of(1L), List.of(1L));
        assertThat(deadLettered).isEmpty();
    }

    @Test
    void aTransactionalProcessorThatIsOnlyAPlainGroupProcessorKeepsThePerEventLedgerPath() {
        final class Both implements io.cdcrunner.processor.GroupProcessor, io.cdcrunner.processor.TransactionalProcessor {
            @Override
            public void processGroup(List<ChangeEvent> events) {
            }

            @Override
            public void process(ChangeEvent event, java.sql.Connection transaction) {
            }

            @Override
            public void process(ChangeEvent event) {
            }
        }
        // Its groups would bypass the ledger: effectively once wins over grouping.
        assertThat(new EventDelivery(new Both(), null, null).takesGroups()).isFalse();
        assertThat(new EventDelivery(new RecordingGroups(), null, null).takesGroups()).isTrue();
    }
}
