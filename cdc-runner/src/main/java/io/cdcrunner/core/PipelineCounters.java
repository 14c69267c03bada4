package io.cdcrunner.core;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.cdcrunner.delivery.DeliveryCounters;
import io.cdcrunner.processor.SourcePosition;

/** Event counters of one pipeline; written by the processing threads, read by anyone. */
public final class PipelineCounters {

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong finished = new AtomicLong();
    private final AtomicReference<SourcePosition> lastFinished = new AtomicReference<>();
    private final DeliveryCounters delivery = new DeliveryCounters();
    private final AtomicLong rowlessChanges = new AtomicLong();

    public void onReceived(int events) {
        received.addAndGet(events);
    }

    public void onFinished(SourcePosition position) {
        finished.incrementAndGet();
        lastFinished.set(position);
    }

    /** Events that passed the pipeline's filters and were handed to the lanes. */
    public long receivedCount() {
        return received.get();
    }

    public void onRowlessChange() {
        rowlessChanges.incrementAndGet();
    }

    /** Statement-format row changes to captured tables the binlog held no rows for (each stops the pipeline). */
    public long rowlessChangeCount() {
        return rowlessChanges.get();
    }

    /** Events the recorded position may pass: processed, skipped as duplicates, or dead-lettered. */
    public long finishedCount() {
        return finished.get();
    }

    /** Events whose {@code process} call returned. */
    public long processedCount() {
        return delivery.processed();
    }

    /** Per-attempt details: processed, duplicates skipped, retries, dead letters. */
    public DeliveryCounters delivery() {
        return delivery;
    }

    /** Position of the last finished event, or null before the first. */
    public SourcePosition lastProcessed() {
        return lastFinished.get();
    }

    /** One line for logs: {@code processed=N duplicates=N retried=N dead-lettered=N}, and rowless changes if any. */
    public String summary() {
        long rowless = rowlessChanges.get();
        return delivery + (rowless == 0 ? "" : " statement-format-changes=" + rowless);
    }
}
