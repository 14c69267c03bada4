package io.cdcrunner.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.core.PipelineCounters;
import io.cdcrunner.core.ProcessingHaltedException;
import io.cdcrunner.core.SourceBatch;
import io.cdcrunner.core.SourceItem;
import io.cdcrunner.core.SourceItem.Phase;
import io.cdcrunner.delivery.DeliveryCounters;
import io.cdcrunner.delivery.EventResult;
import io.cdcrunner.delivery.EventRuns;
import io.cdcrunner.delivery.PauseGate;
import io.cdcrunner.metrics.SourceLag;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.deadletter.DeadLetterStoreSink;
import io.cdcrunner.deadletter.JsonLinesDeadLetterStore;
import io.cdcrunner.testkit.ChangeEventBuilder;
import io.cdcrunner.testkit.UnitTest;

/**
 * The dispatcher's safety rules with stub batches and stub lanes, no database: the source may record only a
 * contiguous prefix of finished items, a table event is a barrier, a halt reports what finished before it, a stop or a
 * pause reports nothing more.
 */
@UnitTest
class EventDispatcherTest {

    @TempDir
    Path temp;

    private final List<List<Integer>> runs = new CopyOnWriteArrayList<>();
    private final List<String> phases = new ArrayList<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final PauseGate pauseGate = new PauseGate();
    private final PipelineCounters counters = new PipelineCounters();
    /** Results by event id; PROCESSED when absent. */
    private final Map<Integer, EventResult.Status> outcomes = new java.util.HashMap<>();

    private final EventRuns lanes = events -> {
        runs.add(events.stream().map(EventDispatcherTest::id).toList());
        return events.stream().map(e -> new EventResult(outcomes.getOrDefault(id(e), EventResult.Status.PROCESSED),
                outcomes.containsKey(id(e)) ? new IllegalStateException("failed " + id(e)) : null)).toList();
    };

    private EventDispatcher dispatcher(UnmappableRecords unmappable) {
        return new EventDispatcher(lanes, unmappable, counters, pauseGate, new SourceLag(Clock.systemUTC(), () -> false),
                stopping::get, () -> phases.add("snapshot"), () -> phases.add("stream"));
    }

    private EventDispatcher dispatcher() {
        return dispatcher(new UnmappableRecords("p", (event, error, attempts, first, last) -> {
            throw new IllegalStateException("halt mode");
        }, new DeliveryCounters(), Clock.systemUTC()));
    }

    private static ChangeEvent event(int id, Operation operation) {
        return ChangeEventBuilder.of(operation).key("id", id).after(Map.of("id", id)).at(100L * id)
                .gtidTransaction("0-1-" + id).committedAt(Instant.ofEpochSecond(1_000 + id)).build();
    }

    private static int id(ChangeEvent event) {
        return (Integer) event.after().get("id");
    }

    private static SourceItem row(int id) {
        return SourceItem.row(event(id, Operation.INSERT), Phase.STREAM);
    }

    private static SourceItem truncate(int id) {
        return SourceItem.tableEvents(List.of(event(id, Operation.TRUNCATE)), Phase.STREAM);
    }

    /** A batch that records what was reported finished. */
    private static final class StubBatch implements SourceBatch {
        final List<SourceItem> items;
        final List<Integer> reported = new ArrayList<>();

        StubBatch(SourceItem... items) {
            this.items = List.of(items);
        }

        @Override
        public List<SourceItem> items() {
            return items;
        }

        @Override
        public void finished(int upTo) {
            assertThat(upTo).as("finished only grows, within the batch").isBetween(
                    reported.isEmpty() ? 0 : reported.get(reported.size() - 1), items.size());
            reported.add(upTo);
        }

        int finishedUpTo() {
            return reported.isEmpty() ? 0 : reported.get(reported.size() - 1);
        }
    }

    @Test
    void everyItemOfAFinishedBatchIsReportedFinishedAndNothingElseRuns() throws Exception {
        StubBatch batch = new StubBatch(row(1), SourceItem.nothing(Phase.STREAM), row(2), row(3));
        dispatcher().dispatch(batch);
        assertThat(batch.finishedUpTo()).isEqualTo(4);
        assertThat(runs).containsExactly(List.of(1, 2, 3));
        assertThat(counters.finishedCount()).isEqualTo(3);
        assertThat(phases).containsExactly("stream");
    }

    @Test
    void theReportedPrefixEndsBeforeTheFirstUnfinishedEventEvenWhenLaterOnesFinished() throws Exception {
        outcomes.put(2, EventResult.Status.ABANDONED);
        StubBatch batch = new StubBatch(row(1), row(2), row(3));
        dispatcher().dispatch(batch);
        // Event 3 finished in its lane, but the position after it would skip event 2 at the next start.
        assertThat(batch.finishedUpTo()).isEqualTo(1);
        assertThat(counters.finishedCount()).isEqualTo(1);
    }

    @Test
    void aHaltStopsThePipelineBeforeTheEventWithWhatFinishedBeforeItReported() {
        outcomes.put(3, EventResult.Status.HALTED);
        StubBatch batch = new StubBatch(row(1), row(2), row(3), row(4));
        assertThatThrownBy(() -> dispatcher().dispatch(batch)).isInstanceOf(ProcessingHaltedException.class)
                .satisfies(e -> assertThat(id(((ProcessingHaltedException) e).event())).isEqualTo(3));
        assertThat(batch.finishedUpTo()).isEqualTo(2);
    }

    @Test
    void aHaltInOneLaneStopsThePipelineEvenWhenAnotherLaneAbandonedAnEarlierEvent() {
        // Lane B abandoned event 2 because lane A halted on event 3.
        outcomes.put(2, EventResult.Status.ABANDONED);
        outcomes.put(3, EventResult.Status.HALTED);
        StubBatch batch = new StubBatch(row(1), row(2), row(3), row(4));
        assertThatThrownBy(() -> dispatcher().dispatch(batch)).isInstanceOf(ProcessingHaltedException.class)
                .satisfies(e -> assertThat(id(((ProcessingHaltedException) e).event())).isEqualTo(3));
        assertThat(batch.finishedUpTo()).isEqualTo(1);
    }

    @Test
    void aTableEventRunsAloneBetweenTheRowsBeforeAndAfterIt() throws Exception {
        StubBatch batch = new StubBatch(row(1), row(2), truncate(3), row(4), truncate(5));
        dispatcher().dispatch(batch);
        assertThat(runs).containsExactly(List.of(1, 2), List.of(3), List.of(4), List.of(5));
        assertThat(batch.reported).containsExactly(2, 3, 4, 5);
    }

    @Test
    void anUnfinishedTableEventHoldsBackEverythingAfterIt() throws Exception {
        outcomes.put(3, EventResult.Status.ABANDONED);
        StubBatch batch = new StubBatch(row(1), truncate(3), row(4));
        dispatcher().dispatch(batch);
        assertThat(runs).containsExactly(List.of(1), List.of(3));
        assertThat(batch.finishedUpTo()).isEqualTo(1);
    }

    @Test
    void anUnmappableRecordInHaltModeStopsBeforeItAfterTheEventsBeforeIt() {
        SourceItem.Unmappable bad = new SourceItem.Unmappable(new IllegalArgumentException("column 'tags'"),
                event(2, Operation.INSERT), "binlog.000001:200", () -> "{}");
        StubBatch batch = new StubBatch(row(1), SourceItem.unmappable(bad, Phase.STREAM), row(3));
        assertThatThrownBy(() -> dispatcher().dispatch(batch)).isInstanceOf(ProcessingHaltedException.class)
                .hasMessageContaining("shop.orders").hasMessageContaining("'tags'");
        assertThat(batch.finishedUpTo()).isEqualTo(1);
        // Nothing after the record ran: a fix and a restart hand event 3 over for the first time.
        assertThat(runs).containsExactly(List.of(1));
    }

    @Test
    void anUnmappableRecordInDeadLetterModeIsStoredBetweenTheRowsBeforeAndAfterIt() throws Exception {
        List<String> runsWhenStored = new ArrayList<>();
        SourceItem.Unmappable bad = new SourceItem.Unmappable(new IllegalArgumentException("column 'tags'"),
                event(2, Operation.INSERT), "binlog.000001:200", () -> {
                    runsWhenStored.add(runs.toString());
                    return "{}";
                });
        StubBatch batch = new StubBatch(row(1), SourceItem.unmappable(bad, Phase.STREAM), row(3));
        try (JsonLinesDeadLetterStore store = JsonLinesDeadLetterStore.openIn(temp)) {
            dispatcher(new UnmappableRecords("p", new DeadLetterStoreSink(store, "p"), new DeliveryCounters(),
                    Clock.systemUTC())).dispatch(batch);
            assertThat(store.list()).singleElement().satisfies(letter -> assertThat(letter.isUnmapped()).isTrue());
        }
        assertThat(runsWhenStored).containsExactly("[[1]]");
        assertThat(runs).containsExactly(List.of(1), List.of(3));
        assertThat(batch.reported).containsExactly(1, 2, 3);
    }

    @Test
    void aStopReportsNothingAndAPausedBatchWaitsUntilResumed() throws Exception {
        stopping.set(true);
        StubBatch stopped = new StubBatch(row(1));
        dispatcher().dispatch(stopped);
        assertThat(stopped.reported).isEmpty();
        assertThat(runs).isEmpty();

        stopping.set(false);
        pauseGate.pause();
        StubBatch held = new StubBatch(row(2));
        EventDispatcher dispatcher = dispatcher();
        Thread source = new Thread(() -> {
            try {
                dispatcher.dispatch(held);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        source.start();
        source.join(200);
        assertThat(source.isAlive()).as("held while paused").isTrue();
        assertThat(held.reported).isEmpty();
        pauseGate.resume();
        source.join(5_000);
        assertThat(held.finishedUpTo()).isEqualTo(1);
    }

    @Test
    void aSnapshotBatchAnnouncesTheSnapshotAndItemsWithoutAPhaseAnnounceNothing() throws Exception {
        dispatcher().dispatch(new StubBatch(SourceItem.nothing(Phase.NONE)));
        assertThat(phases).isEmpty();
        dispatcher().dispatch(new StubBatch(SourceItem.row(event(1, Operation.INSERT), Phase.SNAPSHOT)));
        assertThat(phases).containsExactly("snapshot");
        assertThat(Set.copyOf(runs)).containsExactly(List.of(1));
    }

    @Test
    void aBatchThatEndsTheSnapshotAnnouncesTheStream() throws Exception {
        dispatcher().dispatch(new StubBatch(SourceItem.row(event(1, Operation.INSERT), Phase.SNAPSHOT),
                SourceItem.row(event(2, Operation.INSERT), Phase.STREAM), SourceItem.nothing(Phase.NONE)));
        assertThat(phases).containsExactly("stream");
    }

    @Test
    void theLagIsMeasuredFromTheFirstEventsCommitTime() {
        assertThat(EventDispatcher.oldestCommitMillis(List.of(SourceItem.nothing(Phase.STREAM), row(7), row(8))))
                .isEqualTo(1_007_000L);
        assertThat(EventDispatcher.oldestCommitMillis(List.of(SourceItem.nothing(Phase.STREAM)))).isEqualTo(-1);
        // A change not delivered (say an update when only inserts are) still tells how far behind the pipeline is.
        assertThat(EventDispatcher.oldestCommitMillis(List.of(SourceItem.passedOver(event(3, Operation.UPDATE),
                Phase.STREAM), row(7)))).isEqualTo(1_003_000L);
    }
}
