package io.cdcrunner.binlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.debezium.connector.base.ChangeEventQueue;
import io.debezium.connector.mariadb.MariaDbConnectorTask;
import io.debezium.connector.mysql.MySqlConnectorTask;
import io.debezium.pipeline.Sizeable;
import io.debezium.util.LoggingContext;

/**
 * The engine's poll sleeps while its queue is empty and wakes when an event is queued; it relies on Debezium's queue
 * layout, which these tests pin for the Debezium version in the POM.
 */
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
    void aPollWaitingOnAnEmptyQueueReturnsWhenAnEventIsQueued() throws Exception {
        Task task = new Task();
        PromptPolling polling = new PromptPolling(NEVER);
        assertThat(polling.install(task)).isTrue();

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
        polling.install(task);

        assertThat(polling.queued()).isEqualTo(2);
        polling.awaitEvents();
        assertThat(task.queue.poll()).hasSize(2);
        assertThat(polling.queued()).isZero();
    }

    @Test
    void anIdlePollReturnsAfterTheWakeUpSoTheEngineCanStopAndCommit() throws Exception {
        Task task = new Task();
        PromptPolling polling = new PromptPolling(Duration.ofMillis(50));
        polling.install(task);
        // Nothing is ever queued: only the idle wake-up can end the wait.
        pollAsync(polling).get(WAIT_S, TimeUnit.SECONDS);
        assertThat(polling.queued()).isZero();
    }

    @Test
    void withoutAQueueTheEnginePollsAsBefore() throws Exception {
        PromptPolling polling = new PromptPolling(NEVER);
        assertThat(polling.install(new Object())).isFalse();
        // Not installed: returns at once instead of sleeping until an arrival that is never signalled.
        pollAsync(polling).get(WAIT_S, TimeUnit.SECONDS);
    }
}
