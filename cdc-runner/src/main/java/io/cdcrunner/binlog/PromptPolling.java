package io.cdcrunner.binlog;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.debezium.connector.base.ChangeEventQueue;
import io.debezium.connector.base.QueueProvider;
import io.debezium.pipeline.DataChangeEvent;
import io.debezium.pipeline.Sizeable;

/**
 * The engine's queue as the daemon runs it: its polling thread sleeps while no change event is queued and wakes as
 * soon as the binlog reader queues one, and the records it holds are bounded by bytes as well as by count.
 *
 * <p>Debezium's queue hands over a batch when it is full or when {@code poll.interval.ms} has passed since the poll
 * began, so an idle engine wakes up every poll interval (a thousand times a second at 1 ms) and the first event of a
 * quiet period waits up to the interval. With this in front of the queue's poll, an idle engine wakes twice a second,
 * and the poll interval only bounds how long a batch gathers events once one has arrived.
 *
 * <p>Byte bound ({@code engine.max.queue.bytes}): the binlog reader waits before queueing a record while the records
 * queued, together with those the poll in progress has taken for its batch, reach the bound by their
 * {@link RecordFootprint}; one record may take them past it. So neither the queue nor a batch holds more than the
 * bound and one record, however large the rows. Debezium's {@code max.queue.size.in.bytes} would bound the queue only
 * (a batch keeps draining it for the whole poll interval), at the cost of an estimate that copies every value.
 *
 * <p>Debezium does not let a connector task choose its queue, so {@link #install} puts a counting wrapper around the
 * queue's storage by reflection, once, after the task has started. Should a Debezium version lay its queue out
 * differently, the install says so in one WARN and the engine polls as it always did, bounded by count only;
 * {@code PromptPollingTest} fails on such a version.
 */
final class PromptPolling {

    private static final Logger log = LoggerFactory.getLogger(PromptPolling.class);
    /** How long an idle poll sleeps at most: the engine checks for a stop request and commits offsets on its return. */
    static final Duration IDLE_WAKEUP = Duration.ofMillis(500);
    /** The engine property, set by {@link EngineProperties}, that carries {@code engine.max.queue.bytes} to the task. */
    static final String MAX_QUEUE_BYTES = "cdcrunner_queue.max.bytes";
    /** How long the reader waits at most before it looks at the byte bound again (a poll's end wakes it earlier). */
    private static final long FULL_RECHECK_MS = 100;

    private final long idleWakeupNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final AtomicInteger queued = new AtomicInteger();
    private volatile boolean installed;
    private long maxBytes;
    private Lock queueLock;
    private Condition queueNotFull;
    private Condition queueFull;
    /** What the records queued and those the poll in progress took hold, by their footprint; under the queue's lock. */
    private long queuedBytes;
    private long takenBytes;

    PromptPolling() {
        this(IDLE_WAKEUP);
    }

    PromptPolling(Duration idleWakeup) {
        this.idleWakeupNanos = idleWakeup.toNanos();
    }

    /** {@code engine.max.queue.bytes} as the task's configuration carries it; 0 (no byte bound) when absent. */
    static long maxQueueBytes(io.debezium.config.Configuration taskConfiguration) {
        return taskConfiguration.getLong(MAX_QUEUE_BYTES, 0L);
    }

    /**
     * Wraps the storage of the first {@link ChangeEventQueue} field of {@code task} (or of a class it extends).
     *
     * @param maxBytes the byte bound, 0 for none
     * @return whether polls now wait for events and the byte bound holds; false when the task or queue has not the
     *         expected fields
     */
    boolean install(Object task, long maxBytes) {
        try {
            ChangeEventQueue<?> queue = queueOf(task);
            Field storage = field("queue");
            Lock guard = (Lock) field("lock").get(queue);
            Condition notFull = (Condition) field("isNotFull").get(queue);
            Condition full = (Condition) field("isFull").get(queue);
            // The binlog reader may be queueing already: count and swap under the queue's own lock.
            guard.lock();
            try {
                @SuppressWarnings("unchecked")
                QueueProvider<Object> delegate = (QueueProvider<Object>) storage.get(queue);
                queued.set(delegate.size());
                this.maxBytes = maxBytes;
                this.queueLock = guard;
                this.queueNotFull = notFull;
                this.queueFull = full;
                storage.set(queue, new CountingQueue<>(delegate));
            } finally {
                guard.unlock();
            }
            installed = true;
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("the engine polls every engine.poll.interval.ms while idle, which costs CPU, and its queue is bounded"
                    + " by engine.max.queue.size only, not by engine.max.queue.bytes: the Debezium version on the class"
                    + " path is not the one this cdc-runner was built with");
            log.debug("event queue layout not as expected", e);
            return false;
        }
    }

    private static Field field(String name) throws NoSuchFieldException {
        Field field = ChangeEventQueue.class.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }

    private static ChangeEventQueue<?> queueOf(Object task) throws ReflectiveOperationException {
        for (Class<?> type = task.getClass(); type != null; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (ChangeEventQueue.class.isAssignableFrom(field.getType())) {
                    field.setAccessible(true);
                    Object queue = field.get(task);
                    if (queue != null) {
                        return (ChangeEventQueue<?>) queue;
                    }
                }
            }
        }
        throw new NoSuchFieldException("no started ChangeEventQueue in " + task.getClass().getName());
    }

    /** Returns once an event is queued, or after the idle wake-up ({@link #IDLE_WAKEUP}); at once when not installed. */
    void awaitEvents() throws InterruptedException {
        if (!installed || queued.get() != 0) {
            return;
        }
        lock.lockInterruptibly();
        try {
            long nanos = idleWakeupNanos;
            while (queued.get() == 0 && nanos > 0) {
                nanos = arrived.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Called on the polling thread when a poll has returned its batch: the records it took no longer count against the
     * byte bound, and a reader waiting on it may go on.
     */
    void pollEnded() {
        if (!installed || maxBytes == 0) {
            return;
        }
        queueLock.lock();
        try {
            takenBytes = 0;
            queueNotFull.signalAll();
        } finally {
            queueLock.unlock();
        }
    }

    /** Events queued and not yet taken (for tests). */
    int queued() {
        return queued.get();
    }

    /** Whether the binlog reader waits for room under the byte bound (for tests). */
    boolean readerWaiting() {
        queueLock.lock();
        try {
            return ((ReentrantLock) queueLock).hasWaiters(queueNotFull);
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

    /** Whether a poll is sleeping in {@link #awaitEvents} (for tests). */
    boolean sleeping() {
        lock.lock();
        try {
            return lock.hasWaiters(arrived);
        } finally {
            lock.unlock();
        }
    }

    private void signalArrival() {
        lock.lock();
        try {
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The footprint of a queued element: a connector's record, or what a test's element says it is. */
    private static long footprint(Object event) {
        if (event instanceof DataChangeEvent change) {
            return RecordFootprint.of(change.getRecord());
        }
        return event instanceof Sizeable sizeable ? sizeable.objectSize() : RecordFootprint.PER_RECORD;
    }

    /** The queue's storage, counting what it holds; called under the queue's own lock. */
    private final class CountingQueue<T> implements QueueProvider<T> {

        private final QueueProvider<T> delegate;
        /** The footprint of each queued record, in queue order (empty without a byte bound). */
        private final ArrayDeque<Long> footprints = new ArrayDeque<>();

        CountingQueue(QueueProvider<T> delegate) {
            this.delegate = delegate;
            if (maxBytes > 0) {
                // Records queued before the install are not counted; their places keep the others' in step.
                for (int i = delegate.size(); i > 0; i--) {
                    footprints.addLast(0L);
                }
            }
        }

        @Override
        public void configure(Map<String, ?> properties) {
            delegate.configure(properties);
        }

        @Override
        public void enqueue(T event) throws InterruptedException {
            if (maxBytes > 0) {
                long bytes = footprint(event);
                // Under the queue's lock, which waiting on its own condition releases, as the queue's count bound does.
                while (queuedBytes + takenBytes >= maxBytes && queuedBytes + takenBytes > 0) {
                    if (delegate.size() > 0) {
                        // A poll waiting for more may take what is queued now; one that took it all ends by its
                        // interval, and pollEnded wakes this reader.
                        queueFull.signalAll();
                    }
                    queueNotFull.await(FULL_RECHECK_MS, TimeUnit.MILLISECONDS);
                }
                footprints.addLast(bytes);
                queuedBytes += bytes;
            }
            delegate.enqueue(event);
            if (queued.getAndIncrement() == 0) {
                signalArrival();
            }
        }

        @Override
        public T poll() throws InterruptedException {
            T event = delegate.poll();
            if (event != null) {
                // Never below zero: a count that drifted low would only make a poll sleep while events wait.
                queued.updateAndGet(n -> Math.max(0, n - 1));
                Long bytes = footprints.pollFirst();
                if (bytes != null) {
                    queuedBytes -= bytes;
                    takenBytes += bytes;
                }
            }
            return event;
        }

        @Override
        public int size() {
            return delegate.size();
        }
    }
}
