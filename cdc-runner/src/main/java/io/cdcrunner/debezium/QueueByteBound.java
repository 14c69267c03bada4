package io.cdcrunner.debezium;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

import io.debezium.pipeline.DataChangeEvent;
import io.debezium.pipeline.Sizeable;

/**
 * {@code engine.max.queue.bytes} over the engine's queue (installed by {@link PromptPolling}): the binlog reader waits
 * before queueing a record while the records queued, together with those the poll in progress has taken for its
 * batch, reach the bound by their {@link RecordFootprint}; one record may take them past it. So neither the queue nor
 * a batch holds more than the bound and one record, however large the rows.
 *
 * <p>It waits on the queue's own "not full" condition, which releases the queue's lock as the queue's count bound
 * does, and is woken when a poll ends. Debezium's {@code max.queue.size.in.bytes} would bound the queue only (a batch
 * keeps draining it for the whole poll interval), at the cost of an estimate that copies every value.
 *
 * <p>{@link #beforeEnqueue} and {@link #taken} are called under the queue's lock, {@link #pollEnded} on the polling
 * thread outside it.
 */
final class QueueByteBound {

    /** How long the reader waits at most before it looks at the bound again (a poll's end wakes it earlier). */
    private static final long RECHECK_MS = 100;

    private final long maxBytes;
    private final Lock queueLock;
    private final Condition notFull;
    private final Condition full;
    /** The footprint of each queued record, in queue order. */
    private final ArrayDeque<Long> footprints = new ArrayDeque<>();
    private long queuedBytes;
    private long takenBytes;

    /** @param alreadyQueued records queued before the bound was installed, which are not counted */
    QueueByteBound(long maxBytes, Lock queueLock, Condition notFull, Condition full, int alreadyQueued) {
        this.maxBytes = maxBytes;
        this.queueLock = queueLock;
        this.notFull = notFull;
        this.full = full;
        for (int i = 0; i < alreadyQueued; i++) {
            // Their places keep the others' footprints in step with the queue.
            footprints.addLast(0L);
        }
    }

    /** Waits until the record may be queued, and counts it; {@code queuedRecords} is what the queue holds. */
    void beforeEnqueue(Object event, java.util.function.IntSupplier queuedRecords) throws InterruptedException {
        long bytes = footprint(event);
        while (queuedBytes + takenBytes >= maxBytes && queuedBytes + takenBytes > 0) {
            if (queuedRecords.getAsInt() > 0) {
                // A poll waiting for more may take what is queued now; one that took it all ends by its interval,
                // and pollEnded wakes this reader.
                full.signalAll();
            }
            notFull.await(RECHECK_MS, TimeUnit.MILLISECONDS);
        }
        footprints.addLast(bytes);
        queuedBytes += bytes;
    }

    /** The poll in progress took the record at the head of the queue for its batch. */
    void taken() {
        Long bytes = footprints.pollFirst();
        if (bytes != null) {
            queuedBytes -= bytes;
            takenBytes += bytes;
        }
    }

    /** A poll has returned its batch: the records it took no longer count, and a waiting reader may go on. */
    void pollEnded() {
        queueLock.lock();
        try {
            takenBytes = 0;
            notFull.signalAll();
        } finally {
            queueLock.unlock();
        }
    }

    /** The footprint of the records queued and of those the poll in progress took (for tests). */
    long pendingBytes() {
        queueLock.lock();
        try {
            return queuedBytes + takenBytes;
        } finally {
            queueLock.unlock();
        }
    }

    /** Whether the binlog reader waits for room (for tests). */
    boolean readerWaiting() {
        queueLock.lock();
        try {
            return ((ReentrantLock) queueLock).hasWaiters(notFull);
        } finally {
            queueLock.unlock();
        }
    }

    /** The footprint of a queued element: a connector's record, or what a test's element says it is. */
    private static long footprint(Object event) {
        if (event instanceof DataChangeEvent change) {
            return RecordFootprint.of(change.getRecord());
        }
        return event instanceof Sizeable sizeable ? sizeable.objectSize() : RecordFootprint.PER_RECORD;
    }
}
