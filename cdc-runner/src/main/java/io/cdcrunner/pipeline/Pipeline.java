package io.cdcrunner.pipeline;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.errors.Causes;
import io.cdcrunner.config.Redaction;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.core.EventSource;
import io.cdcrunner.core.PipelineCounters;
import io.cdcrunner.core.PipelineStartException;
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.core.PipelineView;
import io.cdcrunner.core.ProcessingHaltedException;
import io.cdcrunner.core.SourceStatus;
import io.cdcrunner.delivery.ProcessedListener;
import io.cdcrunner.metrics.PipelineMonitoring;
import io.cdcrunner.visibility.VisibilityMetrics;

/**
 * The life of one pipeline: every committed change its source hands over runs the processor. It runs one
 * {@link Term} at a time, which {@link TermAssembly} builds; every move of its {@link PipelineState} goes through
 * {@link #transition}. What monitoring reads ({@link PipelineReadout}) lasts across terms. {@link #start()} returns
 * once the term's source reads; {@link #close()} stops for good; {@link #stepDown()} stops the term to stand by.
 */
public final class Pipeline implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

    private final RunnerConfig config;
    private final AtomicReference<PipelineState> state;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch closeRequested = new CountDownLatch(1);
    private final PipelineReadout readout;
    private final PipelineMonitoring monitoring;
    private final TermAssembly assembly;
    private volatile Term term;

    /** @param sources a new source for each term (a source is used once) */
    public Pipeline(RunnerConfig config, Supplier<EventSource> sources, ProcessedListener listener) {
        this.config = config;
        this.state = new AtomicReference<>(config.ha().enabled() ? PipelineState.STANDBY : PipelineState.STARTING);
        this.readout = new PipelineReadout(config, this, () -> Optional.ofNullable(term));
        this.monitoring = new PipelineMonitoring(readout, config);
        this.assembly = new TermAssembly(config, sources, listener, readout, monitoring);
    }

    /**
     * Starts a term: prepares the source (waiting while it is unreachable), opens the processor, starts the source.
     * @throws PipelineStartException with a message naming the problem and the fix; nothing of the term keeps running
     */
    public void start() {
        try {
            start(() -> false);
        } catch (RuntimeException e) {
            monitoring.close();
            throw e;
        }
    }

    /** Registers the MBean (also while standing by) and installs the secrets' redaction; idempotent. */
    void openMonitoring() {
        Redaction.install(Redaction.of(config));
        monitoring.start();
    }

    /** A term that also stops while {@code steppingDown} says so, to stand by afterwards. */
    void start(BooleanSupplier steppingDown) {
        openMonitoring();
        if (!transition(PipelineState.STANDBY, PipelineState.STARTING) && state.get() != PipelineState.STARTING) {
            throw new PipelineStartException("cannot start a term: the pipeline is " + state.get());
        }
        Term current = assembly.newTerm(this, steppingDown);
        term = current;
        try {
            if (stopping(current)) {
                throw new PipelineStartException("stopped during start-up");
            }
            assembly.prepare(current);
            assembly.start(current, () -> stopping(current),
                    () -> transition(PipelineState.STARTING, PipelineState.SNAPSHOTTING), this::markStreaming);
        } catch (RuntimeException e) {
            current.source.shutdownNow();
            current.release();
            current.markEnded();
            boolean stopped = stopping(current);
            if (!stopped) {
                failure.compareAndSet(null, e);
            }
            moveTo(stopped ? PipelineState.STOPPING : PipelineState.FAILED);
            throw e instanceof PipelineStartException ? e : new PipelineStartException(e.getMessage(), e);
        }
    }

    /** The source of {@code failing} cannot go on: the pipeline fails now, unless it steps down from that term. */
    void sourceFailed(Term failing, Throwable reason) {
        // A term stepped down from may report late, while the next runs: only the running term's failure counts.
        if (failing == term && !failing.steppingDown() && failure.compareAndSet(null, reason)) {
            moveTo(PipelineState.FAILED);
            log.error("pipeline '{}' failed: {}", config.pipelineName(), reason.getMessage());
        }
    }

    /** Moves from {@code from} to {@code to} by compare-and-set; an illegal move is refused and logged. */
    boolean transition(PipelineState from, PipelineState to) {
        if (!from.canMoveTo(to)) {
            log.warn("pipeline '{}': refused the move {} -> {}", config.pipelineName(), from, to);
            return false;
        }
        if (!state.compareAndSet(from, to)) {
            return false;
        }
        log.debug("pipeline '{}': {} -> {}", config.pipelineName(), from, to);
        return true;
    }

    /** Moves to {@code to} from whatever state the pipeline is in, if that move is allowed. */
    private boolean moveTo(PipelineState to) {
        PipelineState from;
        do {
            from = state.get();
        } while (from.canMoveTo(to) && !transition(from, to));
        return state.get() == to;
    }

    private void markStreaming() {
        if (state.get() != PipelineState.STREAMING && (transition(PipelineState.STARTING, PipelineState.STREAMING)
                || transition(PipelineState.SNAPSHOTTING, PipelineState.STREAMING))) {
            log.info("pipeline '{}' streaming", config.pipelineName());
        }
    }

    private boolean stopping(Term current) {
        return closeRequested.getCount() == 0 || current.stopRequested() || current.steppingDown();
    }

    /** The source of {@code ended} ended for good: cleanly (null) or with a failure a restart cannot fix. */
    void sourceEnded(Term ended, Throwable error) {
        Throwable cause = ended == term ? error : null;
        if (cause != null && stopping(ended) && !(cause instanceof ProcessingHaltedException)) {
            // Closing a source that is still starting makes it report an error: the stop was asked for.
            log.debug("source ended with '{}' during a requested stop", cause.getMessage());
            cause = null;
        }
        if (cause != null && failure.get() != null) {
            log.debug("source ended with '{}' after the pipeline failed with its own message", cause.getMessage());
        } else if (cause != null && !ended.steppingDown()) {
            failure.compareAndSet(null, cause);
            moveTo(PipelineState.FAILED);
            log.error("pipeline '{}' failed: {}", config.pipelineName(), Causes.summary(cause));
        } else if (!ended.steppingDown() && ended == term) {
            moveTo(PipelineState.STOPPING);
            moveTo(PipelineState.STOPPED);
        }
        ended.release();
        ended.markEnded();
    }

    /** Stops a term being stepped down from, also while it is still starting; {@link #standBy} follows. */
    void stepDown() {
        Term current = term;
        if (current != null && current.steppingDown()) {
            stopTerm(current);
        }
    }

    /** After a term ended or was stepped down from: waits for its end and stands by for the next. */
    void standBy() {
        Term current = term;
        if (current != null) {
            stopTerm(current);
        }
        moveTo(PipelineState.STOPPING);
        transition(PipelineState.STOPPING, PipelineState.STANDBY);
    }

    /**
     * Stops for good: the running term stops as {@link Term#stop} says. Idempotent; safe from a signal handler while
     * {@link #start()} still waits for the source.
     */
    @Override
    public void close() {
        closeRequested.countDown();
        Term current = term;
        if (current != null) {
            stopTerm(current);
        }
        moveTo(PipelineState.STOPPING);
        moveTo(PipelineState.STOPPED);
        monitoring.close();
    }

    private void stopTerm(Term current) {
        Optional<Duration> took = current.stop(config.shutdownTimeout(), () -> moveTo(PipelineState.STOPPING));
        if (took.isPresent()) {
            if (!current.steppingDown()) {
                moveTo(PipelineState.STOPPED);
            }
            log.info("pipeline '{}' {} after {} ms: {}", config.pipelineName(), current.steppingDown() ? "stepped down"
                    : state.get().name().toLowerCase(Locale.ROOT), took.get().toMillis(), current.counters().summary());
        }
    }

    /** Waits until the running term ended: the pipeline stopped or failed, or stands by. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        Term current = term;
        return current == null ? state.get().isFinal() : current.awaitEnd(timeout);
    }

    public PipelineState state() {
        return state.get();
    }

    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    public PipelineCounters counters() {
        return readout.counters();
    }

    /** What the read barrier did (waits, wait times, timeouts); readable also after the pipeline stopped. */
    public VisibilityMetrics visibility() {
        return readout.visibility;
    }

    /** What monitoring reads (across terms). */
    public PipelineView view() {
        return readout;
    }

    /** How long monitoring has seen the source unreachable. */
    Duration sourceDown() {
        return monitoring.sourceDown();
    }

    /** What the source is while the pipeline stands by: what the lease knows of its server. */
    void whileStandingBy(Supplier<SourceStatus> status) {
        readout.whileStandingBy(status);
    }
}
