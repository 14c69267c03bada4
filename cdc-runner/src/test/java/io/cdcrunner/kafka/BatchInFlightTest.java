package io.cdcrunner.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.cdcrunner.core.PipelineCounters;
import io.cdcrunner.core.SourceBatch;
import io.cdcrunner.core.SourceConsumer;
import io.cdcrunner.core.SourceItem;
import io.cdcrunner.testkit.UnitTest;

@UnitTest
class BatchInFlightTest {

    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    private final ExecutorService pipelineThread = Executors.newSingleThreadExecutor();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        pipelineThread.shutdownNow();
    }

    @Test
    void aRevokeWaitsForThePartitionsEventsToFinishAndNoLonger() throws Exception {
        BatchInFlight batch = batchOf(P0, P1);
        CountDownLatch firstFinished = new CountDownLatch(1);
        batch.start(pipeline(handed -> {
            release.await();
            handed.finished(1);
            firstFinished.countDown();
            // The P1 record stays in progress: the batch does not end.
            new CountDownLatch(1).await();
        }), pipelineThread, () -> { });
        assertThat(batch.holdsUnfinished(List.of(P0))).isTrue();

        long started = System.nanoTime();
        new Thread(release::countDown).start();
        assertThat(batch.awaitFinished(List.of(P0), Duration.ofSeconds(30))).isTrue();
        // Woken by the report, not by the timeout.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(firstFinished.await(5, TimeUnit.SECONDS)).isTrue();

        started = System.nanoTime();
        assertThat(batch.awaitFinished(List.of(P1), Duration.ofMillis(200))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(batch.isDone()).isFalse();
    }

    @Test
    void aBatchThatEndsWithEventsUnfinishedEndsTheWaitAtOnce() throws Exception {
        BatchInFlight batch = batchOf(P0);
        batch.start(pipeline(handed -> release.await()), pipelineThread, () -> { });
        long started = System.nanoTime();
        new Thread(release::countDown).start();
        assertThat(batch.awaitFinished(List.of(P0), Duration.ofSeconds(30))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(batch.isDone()).isTrue();
        assertThat(batch.unfinished()).containsEntry(P0, 0L);
    }

    private static BatchInFlight batchOf(TopicPartition... partitions) {
        PartitionProgress progress = new PartitionProgress();
        progress.assigned(List.of(partitions));
        long[] offsets = new long[partitions.length];
        List<SourceItem> items = java.util.Arrays.stream(partitions)
                .map(p -> SourceItem.nothing(SourceItem.Phase.STREAM)).toList();
        return new BatchInFlight(items, List.of(partitions), offsets, progress);
    }

    private interface Processing {
        void accept(SourceBatch batch) throws InterruptedException;
    }

    private static SourceConsumer pipeline(Processing processing) {
        return new SourceConsumer() {
            @Override
            public void accept(SourceBatch batch) throws InterruptedException {
                processing.accept(batch);
            }

            @Override
            public void failed(Throwable reason) {
            }

            @Override
            public void ended(Throwable failure) {
            }

            @Override
            public PipelineCounters counters() {
                return null;
            }
        };
    }
}
