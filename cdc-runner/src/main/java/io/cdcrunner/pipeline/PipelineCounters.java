package io.cdcrunner.pipeline;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.cdcrunner.processor.SourcePosition;

/** Event counters of one pipeline; written by the processing thread, read by anyone. */
public final class PipelineCounters {

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<SourcePosition> lastProcessed = new AtomicReference<>();

    void onReceived() {
        received.incrementAndGet();
    }

    void onProcessed(SourcePosition position) {
        processed.incrementAndGet();
        lastProcessed.set(position);
    }

    void onFailed() {
        failed.incrementAndGet();
    }

    /** Events that passed the pipeline's filters and were handed to the processor. */
    public long receivedCount() {
        return received.get();
    }

    /** Events whose {@code process} call returned normally. */
    public long processedCount() {
        return processed.get();
    }

    /** Events whose {@code process} call threw. */
    public long failedCount() {
        return failed.get();
    }

    /** Position of the last processed event, or null before the first. */
    public SourcePosition lastProcessed() {
        return lastProcessed.get();
    }
}
