package io.cdcrunner.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.cdcrunner.binlog.TestRecords;

import org.junit.jupiter.api.Test;

import io.debezium.connector.base.ChangeEventQueue;
import io.debezium.connector.mariadb.MariaDbConnectorTask;
import io.debezium.connector.mysql.MySqlConnectorTask;
import io.debezium.pipeline.Sizeable;
import io.debezium.util.LoggingContext;

import io.cdcrunner.testkit.UnitTest;

/**
 * The engine's poll sleeps while its queue is empty and wakes when an event is queued; it relies on Debezium's queue
 * layout, which these tests pin for the Debezium version in the POM.
 */
@UnitTest
class PromptPollingTest {

    /** Stands for a connector task: holds its queue in a field, as Debezium's tasks do. */
    private static final class Task {
        private final ChangeEventQueue<Sizeable> queue = new ChangeEventQueue.Builder<Sizeable>()
                .pollInterval(Duration.ofMillis(1))
                .maxBatchSize(10)
                .maxQueueSize(100)
                .loggingContextSupplier(() -> LoggingContext.forConnector("mariadb", "test", "test"))
                .build();
    }

    private static final Sizeable EVENT = () -> 1L;
    /** Longer than any test waits: a wait that ends was ended by an arrival, or was never needed. */
    private static final Duration NEVER = Duration.ofMinutes(10);
    private static final long WAIT_S = 60;

    private static CompletableFuture<Void> pollAsync(PromptPolling polling) {
        return CompletableFuture.runAsync(() -> {
            try {
                polling.awaitEvents();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void debeziumsTasksKeepTheirQueueInAField() {
        for (Class<?> task : List.of(MariaDbConnectorTask.class, MySqlConnectorTask.class)) {
            assertThat(Arrays.stream(task.getDeclaredFields()).map(f -> f.getType()))
                    .as("a ChangeEventQueue field in %s", task.getName()).contains((Class) ChangeEventQueue.class);
        }
    }

    @Test
    void debeziumsQueueKeepsItsStorageLockAndConditionsInTheFieldsTheWrapperReaches() {
        for (String field : List.of("queue", "lock", "isNotFull", "isFull")) {
            assertThat(Arrays.stream(ChangeEventQueue.class.getDeclaredFields()).map(java.lang.reflect.Field::getName))
                    .as("field %s of %s, which PromptPolling reaches by reflection", field,
                            ChangeEventQueue.class.getName())
                    .contains(field);
        }
    }

    @Test
    void aPollWaitingOnAnEmptyQueueReturnsWhenAnEventIsQueued() throws Exception {
        Task task = new Task();
        PromptPolling polling = new PromptPolling(NEVER);
        assertThat(polling.install(task, 0)).isTrue();

        CompletableFuture<Void> waiting = pollAsync(polling);
        await().atMost(Duration.ofSeconds(WAIT_S)).until(polling::sleeping);
        task.queue.enqueue(EVENT);
        waiting.get(WAIT_S, TimeUnit.SECONDS);
        assertThat(polling.queued()).isEqualTo(1);

        List<Sizeable> batch = task.queue.poll();
        assertThat(batch).containsExactly(EVENT);
        assertThat(polling.queued()).isZero();
    }

    @Test
    void eventsQueuedBeforeTheInstallAreCounted() throws Exception {
        Task task = new Task();
        task.queue.enqueue(EVENT);
        task.queue.enqueue(EVENT);
        PromptPolling polling = new PromptPolling(NEVER);
        polling.install(task, 0);

        assertThat(polling.queued()).isEqualTo(2);
        polling.awaitEvents();
        assertThat(task.queue.poll()).hasSize(2);
        assertThat(polling.queued()).isZero();
    }

    @Test
    void anIdlePollReturnsAfterTheWakeUpSoTheEngineCanStopAndCommit() throws Exception {
        Task task = new Task();
        PromptPolling polling = new PromptPolling(Duration.ofMillis(50));
        polling.install(task, 0);
        // Nothing is ever queued: only the idle wake-up can end the wait.
        pollAsync(polling).get(WAIT_S, TimeUnit.SECONDS);
        assertThat(polling.queued()).isZero();
    }

    private static Sizeable ofBytes(long bytes) {
        return () -> bytes;
    }

    private static CompletableFuture<Void> enqueueAsync(Task task, Sizeable event) {
        return CompletableFuture.runAsync(() -> {
            try {
                task.queue.enqueue(event);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void theReaderWaitsWhileTheQueueAndTheBatchBeingTakenHoldTheBoundAndGoesOnWhenThePollEnds() throws Exception {
        Task task = new Task();
        PromptPolling polling = new PromptPolling(NEVER);
        assertThat(polling.install(task, 100)).isTrue();
        task.queue.enqueue(ofBytes(60));
        // Below the bound when it comes: queued, though it takes the queue past it.
        task.queue.enqueue(ofBytes(60));
        assertThat(polling.bound().pendingBytes()).isEqualTo(120);

        CompletableFuture<Void> third = enqueueAsync(task, ofBytes(60));
        await().atMost(Duration.ofSeconds(WAIT_S)).until(polling.bound()::readerWaiting);
        assertThat(third).as("the reader waits while 120 of 100 bytes are queued").isNotDone();

        assertThat(task.queue.poll()).hasSize(2);
        // The batch the poll took counts until the poll has ended: a batch holds no more than the bound either.
        await().atMost(Duration.ofSeconds(WAIT_S)).until(polling.bound()::readerWaiting);
        assertThat(third).isNotDone();
        assertThat(polling.bound().pendingBytes()).isEqualTo(120);

        polling.pollEnded();
        third.get(WAIT_S, TimeUnit.SECONDS);
        assertThat(polling.bound().pendingBytes()).isEqualTo(60);
        assertThat(task.queue.poll()).hasSize(1);
    }

    @Test
    void aRecordLargerThanTheBoundPassesAlone() throws Exception {
        Task task = new Task();
        PromptPolling polling = new PromptPolling(NEVER);
        polling.install(task, 100);
        task.queue.enqueue(ofBytes(64L << 20));
        CompletableFuture<Void> next = enqueueAsync(task, ofBytes(10));
        await().atMost(Duration.ofSeconds(WAIT_S)).until(polling.bound()::readerWaiting);
        assertThat(next).isNotDone();
        assertThat(task.queue.poll()).hasSize(1);
        polling.pollEnded();
        next.get(WAIT_S, TimeUnit.SECONDS);
    }

    @Test
    void aRecordsFootprintIsItsValuesLengthsAndAFixedAmount() {
        long small = RecordFootprint.of(TestRecords.insert(1, false));
        assertThat(small).isBetween(RecordFootprint.PER_RECORD, RecordFootprint.PER_RECORD + 1024);
        assertThat(RecordFootprint.of(TestRecords.insertWithPayload(1, 16 << 20)) - small)
                .isBetween(16L << 20, (16L << 20) + 1024);
        assertThat(RecordFootprint.of(TestRecords.heartbeat(4001L))).isBetween(RecordFootprint.PER_RECORD,
                RecordFootprint.PER_RECORD + 1024);
    }

    @Test
    void withoutAQueueTheEnginePollsAsBefore() throws Exception {
        PromptPolling polling = new PromptPolling(NEVER);
        assertThat(polling.install(new Object(), 0)).isFalse();
        // Not installed: returns at once instead of sleeping until an arrival that is never signalled.
        pollAsync(polling).get(WAIT_S, TimeUnit.SECONDS);
    }
}
