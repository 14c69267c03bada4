package io.cdcrunner.core;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.cdcrunner.processor.ServerFlavor;

/**
 * A {@link PipelineView} a test sets by hand: what monitoring reads of a pipeline, with no pipeline, engine or source
 * behind it. Streaming, connected, MariaDB, a 30 s source-down limit unless told otherwise. The one stub of the view:
 * when the view changes, only this class does.
 */
public final class StubPipelineView implements PipelineView {

    private final String name;
    private final PipelineCounters counters = new PipelineCounters();
    private volatile PipelineState state = PipelineState.STREAMING;
    private volatile Throwable failure;
    private volatile Duration sourceDownLimit = Duration.ofSeconds(30);
    private volatile Optional<Boolean> sourceConnected = Optional.of(true);
    private volatile Optional<Long> sourceBacklog = Optional.empty();
    private volatile Optional<String> sourceProblem = Optional.empty();
    private volatile List<String> sourcePartitions = List.of();
    private volatile boolean paused;

    public StubPipelineView(String name) {
        this.name = name;
    }

    public StubPipelineView state(PipelineState state) {
        this.state = state;
        return this;
    }

    /** The pipeline failed with {@code failure}. */
    public StubPipelineView failed(Throwable failure) {
        this.failure = failure;
        return state(PipelineState.FAILED);
    }

    public StubPipelineView sourceDownLimit(Duration limit) {
        this.sourceDownLimit = limit;
        return this;
    }

    /** What the source says of its connection; empty leaves it to the binlog engine's MBean. */
    public StubPipelineView sourceConnected(Optional<Boolean> connected) {
        this.sourceConnected = connected;
        return this;
    }

    public StubPipelineView sourceBacklog(Optional<Long> backlog) {
        this.sourceBacklog = backlog;
        return this;
    }

    public StubPipelineView sourceProblem(String problem) {
        this.sourceProblem = Optional.ofNullable(problem);
        return this;
    }

    public StubPipelineView sourcePartitions(List<String> partitions) {
        this.sourcePartitions = List.copyOf(partitions);
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public PipelineState state() {
        return state;
    }

    @Override
    public PipelineCounters counters() {
        return counters;
    }

    @Override
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public ServerFlavor flavor() {
        return ServerFlavor.MARIADB;
    }

    @Override
    public Duration sourceDownLimit() {
        return sourceDownLimit;
    }

    @Override
    public SourceStatus source() {
        return new SourceStatus(sourceConnected, sourceBacklog, sourceProblem, sourcePartitions);
    }

    @Override
    public boolean isPaused() {
        return paused;
    }

    @Override
    public void pause() {
        paused = true;
    }

    @Override
    public void resume() {
        paused = false;
    }
}
