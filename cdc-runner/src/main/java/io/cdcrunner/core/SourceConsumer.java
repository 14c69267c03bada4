package io.cdcrunner.core;

/** What an {@link EventSource} hands its batches and its end to: the pipeline. */
public interface SourceConsumer {

    /**
     * Processes one batch, reporting finished items through {@link SourceBatch#finished} as they finish; returns
     * when every item is finished, or earlier when the pipeline stops (the rest then comes again at the next start).
     *
     * @throws ProcessingHaltedException when the pipeline is to stop before an item
     */
    void accept(SourceBatch batch) throws InterruptedException;

    /**
     * The source cannot go on, for a reason its message tells in full (what happened, where, and what recovers): the
     * pipeline fails now; the source ends afterwards.
     */
    void failed(Throwable reason);

    /** The source ended for good: cleanly ({@code null}) or with a failure a restart cannot fix. Called once. */
    void ended(Throwable failure);

    /** The pipeline's counters, which a source may add to (statement-format changes it saw). */
    PipelineCounters counters();

    /**
     * Whether the processor applies each event once through a ledger (a
     * {@link io.cdcrunner.processor.TransactionalProcessor}): an event delivered again is then absorbed while the
     * ledger remembers it. Known once the processor is open.
     */
    default boolean keepsLedger() {
        return false;
    }
}
