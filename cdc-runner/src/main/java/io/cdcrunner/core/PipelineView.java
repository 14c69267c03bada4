package io.cdcrunner.core;

import java.time.Duration;

import io.cdcrunner.processor.ServerFlavor;

/** What monitoring may read of a running pipeline, and the two things an operator may do: pause and resume. */
public interface PipelineView {

    String name();

    PipelineState state();

    PipelineCounters counters();

    /** The error that stopped the pipeline, if it failed. */
    java.util.Optional<Throwable> failure();

    /** The source's server flavor, once the pipeline started; null before. */
    ServerFlavor flavor();

    /** How long the source connection may be down before the pipeline counts as unhealthy. */
    Duration sourceDownLimit();

    /** What the source says about itself (see {@link EventSource#status}). */
    SourceStatus source();

    boolean isPaused();

    void pause();

    void resume();
}
