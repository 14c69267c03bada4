package io.cdcrunner.debezium;

import io.debezium.config.CommonConnectorConfig;
import io.debezium.pipeline.ChangeEventSourceCoordinator;
import io.debezium.pipeline.EventDispatcher;
import io.debezium.pipeline.signal.actions.SignalAction;
import io.debezium.pipeline.signal.actions.SignalActionProvider;
import io.debezium.pipeline.source.snapshot.incremental.IncrementalSnapshotChangeEventSource;
import io.debezium.pipeline.spi.Partition;
import io.debezium.spi.schema.DataCollectionId;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes the engine's incremental snapshot run on one thread at a time. The engine calls it from two: the binlog
 * thread, at every event (closing a chunk's window when the stream passes its high watermark, reading the next chunk),
 * and the signal thread, which reads the first chunk of a snapshot it is asked for. Both use the snapshot's window and
 * its one JDBC connection, unguarded: under a busy writer, a backfill asked for while the binlog thread closed a window
 * failed the engine (the driver read another thread's packet; {@code highWatermark} null) or, on MySQL, delivered a
 * row's copy read before a change it missed after the change (Debezium fixed the same race for stop signals only,
 * DBZ-8303). Every call into the snapshot source now holds one lock, but a pause or stop request, which only sets a
 * flag the snapshot checks before each chunk.
 *
 * <p>Installed as a {@link SignalActionProvider} (through {@link java.util.ServiceLoader}): the engine asks the
 * providers for their actions once the snapshot source is in place and before the signal thread starts, which is when
 * the source is wrapped. It adds no action.
 */
public final class SerializedIncrementalSnapshots implements SignalActionProvider {

    /**
     * Calls that only set a flag the snapshot reads before each chunk (an atomic one, and a concurrent queue): they
     * must take effect while the binlog thread reads chunk after chunk, so they do not wait for the lock.
     */
    private static final java.util.Set<String> UNLOCKED = java.util.Set.of("pauseSnapshot", "requestStopSnapshot");

    /** Per engine (its logical name, the pipeline's name): how busy the calls into its snapshot keep their threads. */
    private static final Map<String, Busy> BUSY = new ConcurrentHashMap<>();

    /** Since when the call now running began (0 when none), and the nanoseconds every call took so far. */
    private record Busy(AtomicLong since, AtomicLong total) {
    }

    @Override
    public <P extends Partition> Map<String, SignalAction<P>> createActions(
            EventDispatcher<P, ? extends DataCollectionId> dispatcher,
            ChangeEventSourceCoordinator<P, ?> changeEventSourceCoordinator, CommonConnectorConfig connectorConfig) {
        Busy busy = new Busy(new AtomicLong(), new AtomicLong());
        BUSY.put(connectorConfig.getLogicalName(), busy);
        serialize(dispatcher, busy);
        return Map.of();
    }

    /**
     * How long the call into {@code pipeline}'s incremental snapshot now running has run, 0 when none runs. Such a
     * call holds the binlog thread: when the source is quiet the engine reads chunk after chunk in one call, and
     * changes committed meanwhile wait for its end.
     */
    public static long busyMillis(String pipeline) {
        Busy busy = BUSY.get(pipeline);
        long since = busy == null ? 0 : busy.since().get();
        return since == 0 ? 0 : (System.nanoTime() - since) / 1_000_000;
    }

    /**
     * The nanoseconds calls into {@code pipeline}'s incremental snapshot have taken since its engine started, the call
     * now running included: under a writer, the binlog thread sends a chunk and reads the next at each transaction that
     * passes the window, so the share of its time this grows by says how much streaming waits for the snapshot.
     */
    public static long busyNanos(String pipeline) {
        Busy busy = BUSY.get(pipeline);
        if (busy == null) {
            return 0;
        }
        long since = busy.since().get();
        return busy.total().get() + (since == 0 ? 0 : System.nanoTime() - since);
    }

    /** Replaces the dispatcher's incremental snapshot source, if it has one, by the same source behind one lock. */
    static <P extends Partition, T extends DataCollectionId> void serialize(EventDispatcher<P, T> dispatcher,
                                                                           Busy busy) {
        IncrementalSnapshotChangeEventSource<P, T> source = dispatcher.getIncrementalSnapshotChangeEventSource();
        if (source == null || Proxy.isProxyClass(source.getClass())) {
            return;
        }
        Object lock = new Object();
        @SuppressWarnings("unchecked")
        IncrementalSnapshotChangeEventSource<P, T> serialized = (IncrementalSnapshotChangeEventSource<P, T>) Proxy
                .newProxyInstance(SerializedIncrementalSnapshots.class.getClassLoader(),
                        new Class<?>[] {IncrementalSnapshotChangeEventSource.class}, (proxy, method, args) -> {
                            if (method.getDeclaringClass() == Object.class || UNLOCKED.contains(method.getName())) {
                                try {
                                    return method.invoke(source, args);
                                } catch (InvocationTargetException e) {
                                    throw e.getCause();
                                }
                            }
                            synchronized (lock) {
                                long start = System.nanoTime();
                                busy.since().set(start);
                                try {
                                    return method.invoke(source, args);
                                } catch (InvocationTargetException e) {
                                    throw e.getCause();
                                } finally {
                                    busy.total().addAndGet(System.nanoTime() - start);
                                    busy.since().set(0);
                                }
                            }
                        });
        dispatcher.setIncrementalSnapshotChangeEventSource(Optional.of(serialized));
    }
}
