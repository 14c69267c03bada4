package io.cdcrunner.core;

/**
 * Life of a pipeline, one term at a time. Every move goes through {@link #canMoveTo} (the pipeline moves by
 * compare-and-set and refuses the rest): a term runs STARTING, SNAPSHOTTING (if it reads existing rows), STREAMING,
 * STOPPING; STOPPED and FAILED are final. An instance of several ({@code ha.enabled}) is {@link #STANDBY} before its
 * first term and between terms: a term it steps down from goes STOPPING, then STANDBY.
 */
public enum PipelineState {
    /** Another instance holds the lease; this one waits to take over (healthy). */
    STANDBY,
    /** Checking the source, loading state, opening the processor. */
    STARTING,
    /** Reading the rows already present ({@code source.start=snapshot}, first start only). */
    SNAPSHOTTING,
    /** Tailing the binlog. */
    STREAMING,
    /** Shutdown requested: no new events taken, offsets being flushed. */
    STOPPING,
    /** Stopped cleanly; offsets cover every processed event. */
    STOPPED,
    /** Stopped on an error; see the pipeline's failure. Offsets never pass an unprocessed event. */
    FAILED;

    public boolean isFinal() {
        return this == STOPPED || this == FAILED;
    }

    /** Whether a pipeline in this state may move to {@code next}. */
    public boolean canMoveTo(PipelineState next) {
        return switch (this) {
            case STANDBY -> next == STARTING || next == STOPPED;
            case STARTING -> next == SNAPSHOTTING || next == STREAMING || next == STOPPING || next == FAILED;
            case SNAPSHOTTING -> next == STREAMING || next == STOPPING || next == FAILED;
            case STREAMING -> next == STOPPING || next == FAILED;
            case STOPPING -> next == STOPPED || next == FAILED || next == STANDBY;
            case STOPPED, FAILED -> false;
        };
    }
}
