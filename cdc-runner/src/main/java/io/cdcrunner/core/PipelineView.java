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

    /** Whether the source reaches its server, when the source knows it itself (see {@link EventSource#connected}). */
    default java.util.Optional<Boolean> sourceConnected() {
        return java.util.Optional.empty();
    }

    /** Records the source holds that the pipeline has not taken yet, when known. */
    default java.util.Optional<Long> sourceBacklog() {
        return java.util.Optional.empty();
    }

    /** What holds part of the source back without stopping the pipeline (a halted Kafka partition), if anything. */
    default java.util.Optional<String> sourceProblem() {
        return java.util.Optional.empty();
    }

    /** The source partitions this instance owns, with their lag (a Kafka source); empty for the binlog. */
    default java.util.List<String> sourcePartitions() {
        return java.util.List.of();
    }

    boolean isPaused();

    void pause();

    void resume();
}
