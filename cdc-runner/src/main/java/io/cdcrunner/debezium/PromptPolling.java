package io.cdcrunner.debezium;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.debezium.connector.base.ChangeEventQueue;
import io.debezium.connector.base.QueueProvider;

/**
 * The engine's queue as the daemon runs it: its polling thread sleeps while no change event is queued and wakes as
 * soon as the binlog reader queues one, and the records it holds are bounded by bytes as well as by count.
 *
 * <p>Debezium's queue hands over a batch when it is full or when {@code poll.interval.ms} has passed since the poll
 * began, so an idle engine wakes up every poll interval (a thousand times a second at 1 ms) and the first event of a
 * quiet period waits up to the interval. With this in front of the queue's poll, an idle engine wakes twice a second,
 * and the poll interval only bounds how long a batch gathers events once one has arrived.
 *
 * <p>The byte bound ({@code engine.max.queue.bytes}) is {@link QueueByteBound}'s; {@link #pollEnded} tells it when a
 * poll has handed its batch over.
 *
 * <p>Debezium does not let a connector task choose its queue, so {@link #install} puts a counting wrapper around the
 * queue's storage by reflection, once, after the task has started. Should a Debezium version lay its queue out
 * differently, the install says so in one WARN and the engine polls as it always did, bounded by count only;
 * {@code PromptPollingTest} fails on such a version.
 */
public final class PromptPolling {

    private static final Logger log = LoggerFactory.getLogger(PromptPolling.class);
    /** How long an idle poll sleeps at most: the engine checks for a stop request and commits offsets on its return. */
    static final Duration IDLE_WAKEUP = Duration.ofMillis(500);
    /**
     * The engine property, set by {@link io.cdcrunner.binlog.EngineProperties}, that carries
     * {@code engine.max.queue.bytes} to the task.
     */
    public static final String MAX_QUEUE_BYTES = "cdcrunner_queue.max.bytes";

    private final long idleWakeupNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final AtomicInteger queued = new AtomicInteger();
    private volatile boolean installed;
    /** Null without a byte bound; set before {@link #installed}. */
    private QueueByteBound bound;

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
                bound = maxBytes > 0 ? new QueueByteBound(maxBytes, guard, notFull, full, delegate.size()) : null;
                storage.set(queue, new CountingQueue<>(delegate, bound));
            } finally {
                guard.unlock();
            }
            installed = true;
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("the engine polls every engine.poll.interval.ms while idle, which costs CPU, and its queue is bounded"
                    + " by engine.max.queue.size only, not by engine.max.queue.bytes: the Debezium version on the class"
                    + " path is not the one this cdc-runner was built with ({})", e.getMessage());
            log.debug("event queue layout not as expected", e);
            return false;
        }
    }

    /** A field of Debezium's queue the patch reaches: its storage, lock and conditions. */
    static Field field(String name) throws Reflect.Moved {
        return Reflect.field(ChangeEventQueue.class, name, PromptPolling.class);
    }

    /** The task's queue field (the task class's or one it extends). */
    static Field taskQueue(Class<?> taskClass) throws Reflect.Moved {
        return Reflect.ofType(taskClass, ChangeEventQueue.class, PromptPolling.class);
    }

    private static ChangeEventQueue<?> queueOf(Object task) throws ReflectiveOperationException {
        Object queue = taskQueue(task.getClass()).get(task);
        if (queue == null) {
            throw new NoSuchFieldException("no started ChangeEventQueue in " + task.getClass().getName());
        }
        return (ChangeEventQueue<?>) queue;
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
        if (installed && bound != null) {
            bound.pollEnded();
        }
    }

    /** Events queued and not yet taken (for tests). */
    int queued() {
        return queued.get();
    }

    /** The byte bound, if one was installed (for tests). */
    QueueByteBound bound() {
        return bound;
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

    /** The queue's storage, counting what it holds; called under the queue's own lock. */
    private final class CountingQueue<T> implements QueueProvider<T> {

        private final QueueProvider<T> delegate;
        private final QueueByteBound bound;

        CountingQueue(QueueProvider<T> delegate, QueueByteBound bound) {
            this.delegate = delegate;
            this.bound = bound;
        }

        @Override
        public void configure(Map<String, ?> properties) {
            delegate.configure(properties);
        }

        @Override
        public void enqueue(T event) throws InterruptedException {
            if (bound != null) {
                bound.beforeEnqueue(event, delegate::size);
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
                if (bound != null) {
                    bound.taken();
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
