package io.cdcrunner.pipeline;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.core.PipelineStartException;
import io.cdcrunner.config.Redaction;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.core.EventSource;
import io.cdcrunner.core.PipelineCounters;
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.core.PipelineView;
import io.cdcrunner.core.ProcessingHaltedException;
import io.cdcrunner.core.SourceBatch;
import io.cdcrunner.core.SourceConsumer;
import io.cdcrunner.core.SourceStatus;
import io.cdcrunner.delivery.PauseGate;
import io.cdcrunner.delivery.ProcessedListener;
import io.cdcrunner.metrics.PipelineMonitoring;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.config.StateSettings;
import io.cdcrunner.state.JdbcStateStore;
import io.cdcrunner.state.StateDirectory;
import io.cdcrunner.state.StateStore;
import io.cdcrunner.visibility.VisibilityMetrics;

/**
 * One source, one processor: every committed change the {@link EventSource} hands over runs the processor, through
 * the {@link ProcessingStack}. {@link #start()} returns once the source reads; from then on every change after the
 * recorded (or seeded) position is delivered. The pipeline is the state machine ({@link PipelineState}); what it
 * reads from is the source's business.
 */
public final class Pipeline implements AutoCloseable, PipelineView {

    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

    private final RunnerConfig config;
    private final EventSource source;
    private final ProcessedListener listener;
    private final AtomicReference<PipelineState> state = new AtomicReference<>(PipelineState.STARTING);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final PipelineCounters counters = new PipelineCounters();
    private final VisibilityMetrics visibilityMetrics = new VisibilityMetrics();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final CountDownLatch closeRequested = new CountDownLatch(1);
    private final PauseGate pauseGate = new PauseGate();
    private final PipelineMonitoring monitoring;
    /** Whether this pipeline starts and closes {@link #monitoring}, or an {@code HaRunner} does, across its terms. */
    private final boolean ownsMonitoring;
    private StateStore stateStore;
    private ProcessingStack processing;
    private PipelineHousekeeping housekeeping;
    private EventDispatcher dispatcher;
    private volatile boolean sourceStarted;
    private volatile ServerFlavor flavor;

    public Pipeline(RunnerConfig config, EventSource source, ProcessedListener listener) {
        this.config = config;
        this.source = source;
        this.listener = listener;
        this.monitoring = new PipelineMonitoring(this, config);
        this.ownsMonitoring = true;
    }

    /** A pipeline reporting to {@code monitoring}, which its owner starts and closes (one term of several). */
    public Pipeline(RunnerConfig config, EventSource source, ProcessedListener listener, PipelineMonitoring monitoring) {
        this.config = config;
        this.source = source;
        this.listener = listener;
        this.monitoring = monitoring;
        this.ownsMonitoring = false;
    }

    /**
     * Prepares the source (waiting while it is unreachable), prepares the state directory, opens the processor and
     * starts the source.
     *
     * @throws PipelineStartException with a message naming the problem and the fix; nothing keeps running
     */
    public void start() {
        Redaction.install(Redaction.of(config));
        try {
            if (ownsMonitoring) {
                monitoring.start();
            }
            StateStore state = openState();
            flavor = source.prepare(state);
            synchronized (this) {
                if (stopping()) {
                    throw new PipelineStartException("stopped during start-up");
                }
                // The processor and its keys are checked before the source records anything.
                processing = ProcessingStack.forPipeline(config, flavor, visibilityMetrics, counters.delivery(),
                        monitoring.listener(listener), this::stopping);
                if (processing.deadLetters() instanceof io.cdcrunner.deadletter.DeadLetterStoreSink sink) {
                    sink.recordOrigins(source::origin);
                }
                dispatcher = new EventDispatcher(processing.lanes(), new UnmappableRecords(config.pipelineName(),
                        processing.deadLetters(), counters.delivery(), Clock.systemUTC()), counters, pauseGate,
                        monitoring.lag(), this::stopping, () -> advance(PipelineState.STARTING, PipelineState.SNAPSHOTTING),
                        this::markStreaming);
                log.info("pipeline '{}' starting: processor {}, {} lane(s)", config.pipelineName(),
                        config.processor().className(), config.delivery().threads());
                source.start(new Consumer());
                sourceStarted = true;
                housekeeping = new PipelineHousekeeping(config.pipelineName(), counters, processing.delivery(),
                        source::recordedPosition, source.ledgerRetention());
                housekeeping.start();
            }
        } catch (RuntimeException e) {
            fail(e);
            source.shutdownNow();
            releaseResources();
            closeMonitoring();
            terminated.countDown();
            throw e instanceof PipelineStartException ? e : new PipelineStartException(e.getMessage(), e);
        }
    }

    /** What the source hands its batches and its end to. */
    private final class Consumer implements SourceConsumer {

        @Override
        public void accept(SourceBatch batch) throws InterruptedException {
            dispatcher.dispatch(batch);
        }

        @Override
        public void failed(Throwable reason) {
            if (failure.compareAndSet(null, reason)) {
                state.set(PipelineState.FAILED);
                log.error("pipeline '{}' failed: {}", config.pipelineName(), reason.getMessage());
            }
        }

        @Override
        public void ended(Throwable error) {
            sourceEnded(error);
        }

        @Override
        public PipelineCounters counters() {
            return counters;
        }

        @Override
        public boolean keepsLedger() {
            return processing.delivery().isTransactional();
        }
    }

    private boolean stopping() {
        return closeRequested.getCount() == 0;
    }

    /** Whether {@link #close()} was called (a SIGTERM, say). */
    public boolean stopRequested() {
        return stopping();
    }

    private void markStreaming() {
        if (state.get() == PipelineState.STREAMING) {
            return;
        }
        if (advance(PipelineState.STARTING, PipelineState.STREAMING)
                || advance(PipelineState.SNAPSHOTTING, PipelineState.STREAMING)) {
            log.info("pipeline '{}' streaming", config.pipelineName());
        }
    }

    private boolean advance(PipelineState from, PipelineState to) {
        return state.compareAndSet(from, to);
    }

    /** The source ended for good: cleanly (null) or with a failure a restart cannot fix. */
    private void sourceEnded(Throwable error) {
        Throwable cause = error;
        if (cause != null && stopping() && !(cause instanceof ProcessingHaltedException)) {
            // Closing a source that is still starting makes it report an error; the stop was asked for.
            log.debug("source ended with '{}' during a requested stop", cause.getMessage());
            cause = null;
        }
        if (cause != null && failure.get() != null) {
            // The pipeline had already failed with its own message; the source's ending adds nothing.
            log.debug("source ended with '{}' after the pipeline failed", cause.getMessage());
        } else if (cause != null) {
            fail(cause);
            log.error("pipeline '{}' failed: {}", config.pipelineName(), describe(failure.get()));
        } else if (!state.get().isFinal()) {
            state.set(PipelineState.STOPPED);
        }
        releaseResources();
        terminated.countDown();
    }

    private static String describe(Throwable t) {
        StringBuilder text = new StringBuilder(String.valueOf(t.getMessage()));
        for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !text.toString().contains(c.getMessage())) {
                text.append(" <- ").append(c.getMessage());
            }
        }
        return text.toString();
    }

    private void fail(Throwable error) {
        failure.compareAndSet(null, error);
        state.set(PipelineState.FAILED);
    }

    private synchronized void releaseResources() {
        if (housekeeping != null) {
            housekeeping.close();
            housekeeping = null;
        }
        if (processing != null) {
            processing.close();
            processing = null;
        }
        source.shutdownNow();
        if (stateStore instanceof JdbcStateStore shared) {
            shared.close();
            stateStore = null;
        }
    }

    /** The state store {@code state.store} names: the state directory, or the shared tables. */
    private synchronized StateStore openState() {
        if (config.state().store() == StateSettings.Store.JDBC) {
            try {
                stateStore = JdbcStateStore.open(config.pipelineName(), config.state(),
                        io.cdcrunner.state.HaSessionLimit.of(config.ha()));
            } catch (IllegalStateException e) {
                throw new PipelineStartException(e.getMessage(), e);
            }
        } else {
            stateStore = new StateDirectory(config.stateDir()).create();
        }
        return stateStore;
    }

    private void closeMonitoring() {
        if (ownsMonitoring) {
            monitoring.close();
        }
    }

    @Override
    public PipelineState state() {
        return state.get();
    }

    @Override
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    @Override
    public PipelineCounters counters() {
        return counters;
    }

    /** What the visibility barrier did (waits, wait times, timeouts); readable also after the pipeline stopped. */
    public VisibilityMetrics visibility() {
        return visibilityMetrics;
    }

    @Override
    public ServerFlavor flavor() {
        return flavor;
    }

    @Override
    public String name() {
        return config.pipelineName();
    }

    @Override
    public SourceStatus source() {
        return source.status();
    }

    @Override
    public Duration sourceDownLimit() {
        return config.source().downUnhealthyAfter();
    }

    /** Holds the pipeline before its next batch while paused (the JMX operations pause and resume). */
    public PauseGate pauseGate() {
        return pauseGate;
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

    /** Waits until the pipeline stopped or failed. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Stops taking events, lets the events in progress finish (or abandons them after
     * {@code shutdown.timeout.ms}: they will be delivered again), has the source record its position and closes the
     * processor. Idempotent; safe to call from a signal handler while {@link #start()} is still waiting for the source.
     */
    @Override
    public void close() {
        boolean first = closeRequested.getCount() > 0;
        closeRequested.countDown();
        if (!sourceStarted) {
            // start() may hold the lock while the source waits for its server (seeding a first position): stop
            // the waiting first, or this would wait for the lock until the server is back.
            source.close();
        }
        boolean started;
        synchronized (this) {
            started = sourceStarted;
            if (!state.get().isFinal()) {
                state.set(PipelineState.STOPPING);
            }
        }
        if (!started || !first || terminated.getCount() == 0) {
            // Not started yet: the source stops waiting for its server, and start() cleans up.
            source.close();
            awaitQuietly(config.shutdownTimeout());
            releaseResources();
            closeMonitoring();
            return;
        }
        log.info("pipeline '{}' stopping (at most {} ms)", config.pipelineName(), config.shutdownTimeout().toMillis());
        long started0 = System.nanoTime();
        source.close();
        if (!awaitQuietly(config.shutdownTimeout())) {
            log.warn("pipeline '{}' did not stop within {} ms; abandoning the events in progress "
                    + "(they will be delivered again)", config.pipelineName(), config.shutdownTimeout().toMillis());
        }
        releaseResources();
        state.compareAndSet(PipelineState.STOPPING, PipelineState.STOPPED);
        closeMonitoring();
        log.info("pipeline '{}' {} after {} ms: {}", config.pipelineName(),
                state.get().name().toLowerCase(java.util.Locale.ROOT),
                Duration.ofNanos(System.nanoTime() - started0).toMillis(), counters.summary());
    }

    private boolean awaitQuietly(Duration timeout) {
        try {
            return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
