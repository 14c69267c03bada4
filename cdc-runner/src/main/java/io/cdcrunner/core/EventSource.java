package io.cdcrunner.core;

import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.state.StateStore;

/**
 * Where a pipeline's events come from: ordered batches of {@link io.cdcrunner.processor.ChangeEvent}s, and the
 * promise to record a position only past what the pipeline reported finished ({@link SourceBatch#finished}). The
 * embedded Debezium binlog reader ({@link io.cdcrunner.binlog.BinlogSource}) is one. The pipeline calls
 * {@link #prepare}, then (once the processor is open) {@link #start}, then {@link #close}; a source is used once.
 */
public interface EventSource {

    /**
     * Connects to the source, waiting while it is unreachable, checks that it can be read as configured, and decides
     * where reading starts; nothing is recorded yet. A source that records its positions opens {@code state} (the
     * store {@code state.store} names); one whose positions are kept elsewhere (Kafka's consumer group) never does.
     *
     * @return the flavor of the server the events come from (the read barrier is chosen by it)
     * @throws RuntimeException with a message naming the problem and the fix (a {@link PipelineStartException});
     *                          also when {@link #close} was called while it waited for the server
     */
    ServerFlavor prepare(java.util.function.Supplier<StateStore> state);

    /**
     * Starts reading: batches reach {@link SourceConsumer#accept} on the source's own thread, one at a time, in source
     * order, until the source ends, which it reports once through {@link SourceConsumer#ended}.
     */
    void start(SourceConsumer consumer);

    /**
     * The position recorded as finished up to, if the source records binlog positions: the ledger is pruned of the
     * events before it. Read from another thread, now and then.
     */
    java.util.Optional<RecordedPosition> recordedPosition();

    /**
     * For a source without binlog positions to prune by (its events carry the positions of the server they came
     * from, which can repeat after a crash upstream): how long ledger entries are kept. Empty for a source that
     * records positions.
     */
    default java.util.Optional<java.time.Duration> ledgerRetention() {
        return java.util.Optional.empty();
    }

    /** What the source says about itself for monitoring; {@link SourceStatus#UNKNOWN} when it knows nothing. */
    default SourceStatus status() {
        return SourceStatus.UNKNOWN;
    }

    /**
     * Where the source holds an event it handed over, beside the event's binlog position, for its dead letter: a
     * Kafka record's {@code topic-partition@offset}; null when there is nothing to add (the binlog).
     */
    default String origin(io.cdcrunner.processor.ChangeEvent event) {
        return null;
    }

    /** Stops reading; the batch in progress may finish. Idempotent, and safe before or during {@link #prepare}. */
    void close();

    /** Drops whatever still runs, at once: after a failed start, or when {@link #close} took too long. */
    void shutdownNow();
}
