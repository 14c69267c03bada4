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

/**
 * Makes the engine's incremental snapshot run on one thread at a time. The engine calls it from two: the binlog
 * thread, at every event (closing a chunk's window when the stream passes its high watermark, reading the next chunk),
 * and the signal thread, which reads the first chunk of a snapshot it is asked for. Both use the snapshot's window and
 * its one JDBC connection, unguarded: under a busy writer, a backfill asked for while the binlog thread closed a window
 * failed the engine (the driver read another thread's packet; {@code highWatermark} null) or, on MySQL, delivered a
 * row's copy read before a change it missed after the change (Debezium fixed the same race for stop signals only,
 * DBZ-8303). Every call into the snapshot source now holds one lock, but a stop request, which only queues what to
 * stop for the snapshot to read before each chunk.
 *
 * <p>Installed as a {@link SignalActionProvider} (through {@link java.util.ServiceLoader}): the engine asks the
 * providers for their actions once the snapshot source is in place and before the signal thread starts, which is when
 * the source is wrapped. It adds no action.
 */
public final class SerializedIncrementalSnapshots implements SignalActionProvider {

    /**
     * A stop request only queues the tables to stop on a concurrent queue the snapshot reads before each chunk
     * (Debezium's own fix of this race for stops): it takes effect while the binlog thread reads chunk after chunk.
     */
    private static final java.util.Set<String> UNLOCKED = java.util.Set.of("requestStopSnapshot");

    @Override
    public <P extends Partition> Map<String, SignalAction<P>> createActions(
            EventDispatcher<P, ? extends DataCollectionId> dispatcher,
            ChangeEventSourceCoordinator<P, ?> changeEventSourceCoordinator, CommonConnectorConfig connectorConfig) {
        serialize(dispatcher);
        return Map.of();
    }

    /** Replaces the dispatcher's incremental snapshot source, if it has one, by the same source behind one lock. */
    static <P extends Partition, T extends DataCollectionId> void serialize(EventDispatcher<P, T> dispatcher) {
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
                                try {
                                    return method.invoke(source, args);
                                } catch (InvocationTargetException e) {
                                    throw e.getCause();
                                }
                            }
                        });
        dispatcher.setIncrementalSnapshotChangeEventSource(Optional.of(serialized));
    }
}
