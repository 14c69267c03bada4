package io.cdcrunner.delivery;

import java.util.concurrent.atomic.LongAdder;

/** What the processing lanes did; updated from every lane, read by anyone. */
public final class DeliveryCounters {

    private final LongAdder processed = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder retried = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();

    void onProcessed() {
        processed.increment();
    }

    void onDuplicate() {
        duplicates.increment();
    }

    void onRetry() {
        retried.increment();
    }

    void onFailedAttempt() {
        failed.increment();
    }

    /** Also called for a change record that could not be mapped and was stored as a dead letter. */
    public void onDeadLettered() {
        deadLettered.increment();
    }

    /** Events the processor finished. */
    public long processed() {
        return processed.sum();
    }

    /** Redelivered events skipped because the ledger held them. */
    public long duplicates() {
        return duplicates.sum();
    }

    /** Attempts made again after a failure. */
    public long retried() {
        return retried.sum();
    }

    /** Failed attempts, retried or not. */
    public long failedAttempts() {
        return failed.sum();
    }

    /** Events stored as dead letters. */
    public long deadLettered() {
        return deadLettered.sum();
    }

    @Override
    public String toString() {
        return "processed=" + processed() + " duplicates=" + duplicates() + " retried=" + retried()
                + " dead-lettered=" + deadLettered();
    }
}
