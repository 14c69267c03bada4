package io.cdcrunner.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

import io.cdcrunner.core.SourceBatch;
import io.cdcrunner.core.SourceConsumer;
import io.cdcrunner.core.SourceItem;
import io.cdcrunner.processor.ChangeEvent;

/**
 * One batch the pipeline processes on its own thread while the consumer keeps polling: its items, where each lies
 * ({@code topic-partition@offset}, for dead letters), how far the pipeline reported it finished, and its end.
 * Created and read on the poll thread; {@link SourceBatch#finished} is reported on the pipeline's.
 */
final class BatchInFlight {

    private final List<SourceItem> items;
    private final PartitionProgress.Batch batch;
    private final PartitionProgress progress;
    private final Map<ChangeEvent, String> origins;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the pipeline reports items finished, and when the batch ends. */
    private final Condition progressed = lock.newCondition();
    private CompletableFuture<Void> done;

    BatchInFlight(List<SourceItem> items, List<TopicPartition> partitions, long[] offsets, PartitionProgress progress) {
        this.items = items;
        this.batch = new PartitionProgress.Batch(partitions, offsets);
        this.progress = progress;
        Map<ChangeEvent, String> where = new IdentityHashMap<>(items.size() * 2);
        for (int i = 0; i < items.size(); i++) {
            String at = partitions.get(i) + "@" + offsets[i];
            SourceItem item = items.get(i);
            item.events().forEach(event -> where.put(event, at));
            if (item.unmappable() != null && item.unmappable().described() != null) {
                where.put(item.unmappable().described(), at);
            }
        }
        this.origins = where;
    }

    /** The polled records as items, in partition order, each record's partition and offset beside it. */
    static BatchInFlight of(ConsumerRecords<byte[], byte[]> polled, ConnectRecords records, PartitionProgress progress) {
        List<SourceItem> items = new ArrayList<>(polled.count());
        List<TopicPartition> partitions = new ArrayList<>(polled.count());
        long[] offsets = new long[polled.count()];
        for (TopicPartition partition : polled.partitions()) {
            for (ConsumerRecord<byte[], byte[]> record : polled.records(partition)) {
                offsets[items.size()] = record.offset();
                items.add(records.item(record));
                partitions.add(partition);
            }
        }
        return new BatchInFlight(items, partitions, offsets, progress);
    }

    /** Hands the batch to the pipeline on {@code pipelineThread}; {@code onEnd} runs once it ended, however. */
    void start(SourceConsumer pipeline, Executor pipelineThread, Runnable onEnd) {
        SourceBatch handed = new SourceBatch() {
            @Override
            public List<SourceItem> items() {
                return items;
            }

            @Override
            public void finished(int upTo) {
                progress.finished(batch, upTo);
                signal();
            }
        };
        done = CompletableFuture.supplyAsync(() -> {
            try {
                pipeline.accept(handed);
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CompletionException(e);
            }
        }, pipelineThread);
        done.whenComplete((result, error) -> {
            signal();
            onEnd.run();
        });
    }

    private void signal() {
        lock.lock();
        try {
            progressed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean isDone() {
        return done.isDone();
    }

    /** How the batch ended: null when the pipeline returned, else what it threw. Call once {@link #isDone}. */
    Throwable failure() throws InterruptedException {
        try {
            done.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /** Waits up to {@code timeout} for the batch to end (a stop); false when it did not. */
    boolean awaitEnd(Duration timeout) throws InterruptedException {
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            // Ended all the same; how is for afterBatch (or nobody, at a stop).
        } catch (TimeoutException e) {
            return false;
        }
        return true;
    }

    /**
     * Waits up to {@code timeout} until the batch holds no unfinished records of {@code partitions} or it ended;
     * true when none is left unfinished.
     */
    boolean awaitFinished(Collection<TopicPartition> partitions, Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (holdsUnfinished(partitions) && !done.isDone() && nanos > 0) {
                nanos = progressed.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
        return !holdsUnfinished(partitions);
    }

    boolean holdsUnfinished(Collection<TopicPartition> partitions) {
        return progress.holdsUnfinished(batch, partitions);
    }

    /** Where to read each partition again from: its first record not reported finished. */
    Map<TopicPartition, Long> unfinished() {
        return progress.unfinished(batch);
    }

    /** The index of the item holding {@code event}; for an unmappable record (no event), the first unfinished one. */
    int indexOf(ChangeEvent event) {
        if (event != null) {
            for (int i = 0; i < items.size(); i++) {
                for (ChangeEvent e : items.get(i).events()) {
                    if (e == event) {
                        return i;
                    }
                }
            }
        }
        int first = progress.firstUnreported(batch);
        return first < batch.size() ? first : -1;
    }

    TopicPartition partition(int index) {
        return batch.partition(index);
    }

    long offset(int index) {
        return batch.offset(index);
    }

    Map<ChangeEvent, String> origins() {
        return origins;
    }
}
