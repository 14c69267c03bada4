package io.cdcrunner.core;

/**
 * Life of a pipeline. Transitions only forward, by compare-and-set; STOPPED and FAILED are final. An instance of
 * several ({@code ha.enabled}) is {@link #STANDBY} between its terms, each term a pipeline of its own.
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
}
