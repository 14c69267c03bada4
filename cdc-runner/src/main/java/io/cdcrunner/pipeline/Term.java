package io.cdcrunner.pipeline;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.core.EventSource;
import io.cdcrunner.core.PipelineCounters;
import io.cdcrunner.core.SourceBatch;
import io.cdcrunner.core.SourceConsumer;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.state.JdbcStateStore;
import io.cdcrunner.state.StateStore;

/**
 * One term of a pipeline: a source (used once) and everything between its events and the processor, as
 * {@link TermAssembly} built it; the source hands it its batches, and its failure or end, which the pipeline's
 * lifecycle decides on. A pipeline runs one term at a time; with {@code ha.enabled}, a new one after each
 * takeover. {@link #release} closes what was opened, once, in reverse order.
 */
final class Term implements SourceConsumer {

    private static final Logger log = LoggerFactory.getLogger(Term.class);

    final EventSource source;
    private final String pipeline;
    private final Pipeline lifecycle;
    private final PipelineCounters counters;
    private final BooleanSupplier steppingDown;
    /** Once stepped down from, for good: the runner's flag is cleared for the next term, this term's is not. */
    private volatile boolean steppedDown;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final CountDownLatch ended = new CountDownLatch(1);
    private StateStore stateStore;
    private ProcessingStack processing;
    private volatile EventDispatcher dispatcher;
    private PipelineHousekeeping housekeeping;
    private volatile boolean sourceStarted;
    private volatile ServerFlavor flavor;

    /** @param steppingDown whether the instance is stepping down from this term (to stand by afterwards) */
    Term(String pipeline, EventSource source, Pipeline lifecycle, PipelineCounters counters,
         BooleanSupplier steppingDown) {
        this.pipeline = pipeline;
        this.source = source;
        this.lifecycle = lifecycle;
        this.counters = counters;
        this.steppingDown = steppingDown;
    }

    @Override
    public void accept(SourceBatch batch) throws InterruptedException {
        dispatcher.dispatch(batch);
    }

    @Override
    public void failed(Throwable reason) {
        lifecycle.sourceFailed(this, reason);
    }

    @Override
    public void ended(Throwable error) {
        lifecycle.sourceEnded(this, error);
    }

    @Override
    public PipelineCounters counters() {
        return counters;
    }

    @Override
    public synchronized boolean keepsLedger() {
        return processing != null && processing.delivery().isTransactional();
    }

    /** Asks the term to stop taking events; true the first time. */
    boolean requestStop() {
        return stopRequested.compareAndSet(false, true);
    }

    boolean stopRequested() {
        return stopRequested.get();
    }

    boolean steppingDown() {
        if (!steppedDown && steppingDown.getAsBoolean()) {
            steppedDown = true;
        }
        return steppedDown;
    }

    synchronized void opened(StateStore state) {
        this.stateStore = state;
    }

    void prepared(ServerFlavor flavor) {
        this.flavor = flavor;
    }

    synchronized void wired(ProcessingStack processing, EventDispatcher dispatcher) {
        this.processing = processing;
        this.dispatcher = dispatcher;
    }

    EventDispatcher dispatcher() {
        return dispatcher;
    }

    synchronized void started(PipelineHousekeeping housekeeping) {
        this.sourceStarted = true;
        this.housekeeping = housekeeping;
    }

    boolean sourceStarted() {
        return sourceStarted;
    }

    ServerFlavor flavor() {
        return flavor;
    }

    synchronized ProcessingStack processing() {
        return processing;
    }

    /** The source ended (or never started): whoever waits for the term's end may go on. */
    void markEnded() {
        ended.countDown();
    }

    boolean hasEnded() {
        return ended.getCount() == 0;
    }

    boolean awaitEnd(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Stops the term: the source stops taking events, the events in progress finish (or are abandoned after
     * {@code timeout}: they will be delivered again), the source records its position, and what the term opened is
     * closed. {@code whileLocked} runs once the term's start (if running) has let go of it.
     *
     * @return how long a first stop of a started term took; empty for a repeated stop, or one before the source ran
     */
    Optional<Duration> stop(Duration timeout, Runnable whileLocked) {
        boolean first = requestStop();
        if (!sourceStarted) {
            // The start may hold the term's lock while the source waits for its server (seeding a first position):
            // stop the waiting first, or this would wait for the lock until the server is back.
            source.close();
        }
        boolean started;
        synchronized (this) {
            started = sourceStarted;
            whileLocked.run();
        }
        if (!started || !first || hasEnded()) {
            source.close();
            awaitQuietly(timeout);
            release();
            return Optional.empty();
        }
        log.info("pipeline '{}' stopping (at most {} ms)", pipeline, timeout.toMillis());
        long began = System.nanoTime();
        source.close();
        if (!awaitQuietly(timeout)) {
            log.warn("pipeline '{}' did not stop within {} ms; abandoning the events in progress "
                    + "(they will be delivered again)", pipeline, timeout.toMillis());
        }
        release();
        return Optional.of(Duration.ofNanos(System.nanoTime() - began));
    }

    private boolean awaitQuietly(Duration timeout) {
        try {
            return awaitEnd(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Closes the housekeeping, the processing stack, the source and a shared state store; idempotent. */
    synchronized void release() {
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
}
