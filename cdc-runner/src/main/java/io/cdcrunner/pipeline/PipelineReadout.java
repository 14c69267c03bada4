package io.cdcrunner.pipeline;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.core.PipelineCounters;
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.core.PipelineView;
import io.cdcrunner.core.SourceStatus;
import io.cdcrunner.delivery.PauseGate;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.visibility.VisibilityMetrics;

/**
 * What monitoring reads of a {@link Pipeline} across its terms (the lifecycle's state and failure, the running term's
 * source and its counters), the read barrier's figures every term adds to, and the pause gate an operator sets.
 */
final class PipelineReadout implements PipelineView {

    final VisibilityMetrics visibility = new VisibilityMetrics();
    final PauseGate pauseGate = new PauseGate();
    private final PipelineCounters beforeTheFirstTerm = new PipelineCounters();
    private final RunnerConfig config;
    private final Pipeline pipeline;
    private final Supplier<Optional<Term>> term;
    private volatile Supplier<SourceStatus> standingBy = () -> SourceStatus.UNKNOWN;

    /** @param term the pipeline's running (or last) term, once one began */
    PipelineReadout(RunnerConfig config, Pipeline pipeline, Supplier<Optional<Term>> term) {
        this.config = config;
        this.pipeline = pipeline;
        this.term = term;
    }

    /** What the source is while the pipeline stands by: what the lease knows of its server. */
    void whileStandingBy(Supplier<SourceStatus> status) {
        standingBy = status;
    }

    @Override
    public String name() {
        return config.pipelineName();
    }

    @Override
    public PipelineState state() {
        return pipeline.state();
    }

    @Override
    public PipelineCounters counters() {
        return term.get().map(Term::counters).orElse(beforeTheFirstTerm);
    }

    @Override
    public Optional<Throwable> failure() {
        return pipeline.failure();
    }

    @Override
    public ServerFlavor flavor() {
        return term.get().map(Term::flavor).orElse(null);
    }

    @Override
    public SourceStatus source() {
        Optional<Term> current = term.get();
        if (current.isEmpty() || pipeline.state() == PipelineState.STANDBY) {
            return standingBy.get();
        }
        return current.get().source.status();
    }

    @Override
    public Duration sourceDownLimit() {
        return config.source().downUnhealthyAfter();
    }

    @Override
    public boolean isPaused() {
        return pauseGate.isPaused();
    }

    @Override
    public void pause() {
        pauseGate.pause();
    }

    @Override
    public void resume() {
        pauseGate.resume();
    }
}
