package io.cdcrunner.pipeline;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.core.PipelineStartException;
import io.cdcrunner.core.PipelineState;

/**
 * Runs a pipeline's terms under a {@link TermLease}: waits for the lease, runs a term until it ends, a stop is asked
 * for, or it steps down (the lease lost, a write fenced, or, when other instances wait, the source out of reach for
 * {@code source.down.unhealthy.after.ms}), then waits for the lease again. A sole instance's lease is held at once
 * and for good: it runs one term. From the moment the lease is held, a thread of its own checks it every
 * {@code ha.lease.check.interval.ms} (which also keeps the lease connection from timing out while a term starts).
 */
public final class PipelineRunner {

    private static final Logger log = LoggerFactory.getLogger(PipelineRunner.class);

    /** How {@link #run} ended. */
    public enum Outcome {
        /** Stopped as asked (SIGTERM), or the source ended cleanly. */
        STOPPED,
        /** The pipeline failed with an error a takeover cannot fix; the lease was given up for another instance. */
        FAILED,
        /** The configuration cannot work (the processor, or, with a lease, the stores not on the lease's server). */
        BAD_CONFIG
    }

    private final RunnerConfig config;
    private final Pipeline pipeline;
    private final TermLease lease;
    private final CountDownLatch closeRequested = new CountDownLatch(1);
    private final ScheduledExecutorService keeper;
    /** Why the running term is being stepped down from; null while it is not. */
    private volatile String stepDown;
    private volatile long termStarted = System.nanoTime();
    /** The last step-down was for a source this instance could not read: the others get the first chance. */
    private volatile boolean sourceOutOfReach;

    public PipelineRunner(RunnerConfig config, Pipeline pipeline, TermLease lease) {
        this.config = config;
        this.pipeline = pipeline;
        this.lease = lease;
        this.keeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cdc-lease-" + config.pipelineName());
            t.setDaemon(true);
            return t;
        });
        pipeline.whileStandingBy(lease::standbyStatus);
    }

    /** Runs terms until {@link #close}, a failure a takeover cannot fix, or (a sole instance) the term's end. */
    public Outcome run() throws InterruptedException {
        pipeline.openMonitoring();
        try {
            while (!stopping()) {
                Optional<Outcome> end = term();
                if (end.isPresent()) {
                    return end.get();
                }
            }
            return Outcome.STOPPED;
        } catch (TermLease.Refused e) {
            log.error("cannot run with ha.enabled: {}", e.getMessage());
            return Outcome.BAD_CONFIG;
        } finally {
            keeper.shutdownNow();
            lease.release();
            lease.close();
            pipeline.close();
        }
    }

    /** One wait for the lease and, once it is held, one term; empty to wait again. */
    private Optional<Outcome> term() throws InterruptedException {
        if (!lease.acquire(() -> stepDown("another instance took the lease over: a write of this instance was"
                + " refused by the lease's epoch"))) {
            return Optional.of(Outcome.STOPPED);
        }
        long took = System.nanoTime();
        stepDown = null;
        long interval = config.ha().checkInterval().toMillis();
        ScheduledFuture<?> keeping = keeper.scheduleWithFixedDelay(this::keep, interval, interval,
                TimeUnit.MILLISECONDS);
        try {
            return activeTerm(took);
        } finally {
            keeping.cancel(false);
        }
    }

    private Optional<Outcome> activeTerm(long took) throws InterruptedException {
        termStarted = System.nanoTime();
        try {
            pipeline.start(() -> stepDown != null);
            if (lease.shared()) {
                log.info("pipeline '{}' active and started {} ms after taking the lease{}", config.pipelineName(),
                        Duration.ofNanos(System.nanoTime() - took).toMillis(), lease.describe());
            }
            while (!pipeline.awaitTermination(config.ha().checkInterval()) && stepDown == null && !stopping()) {
                // Wakes up now and then: a step-down or a stop must not wait for a stuck engine thread.
            }
        } catch (ProcessorProblem e) {
            log.error("cannot start: {}", e.getMessage());
            return end(Outcome.BAD_CONFIG);
        } catch (PipelineStartException e) {
            if (stopping()) {
                log.info("stopped before the pipeline started ({})", e.getMessage());
            } else if (stepDown == null) {
                log.error("cannot start: {}", e.getMessage());
                return end(Outcome.FAILED);
            }
        }
        if (stepDown != null && !stopping()) {
            log.warn("pipeline '{}' stepping down{}: {}; standing by", config.pipelineName(), lease.describe(),
                    stepDown);
            lease.retire();
            pipeline.standBy();
            lease.release();
            if (pipeline.state().isFinal()) {
                // The term ended for good before the step-down began (FAILED or STOPPED is final): no term follows.
                log.error("pipeline '{}' had {} before stepping down; not waiting for the lease again",
                        config.pipelineName(), pipeline.state().name().toLowerCase(java.util.Locale.ROOT));
                return Optional.of(pipeline.state() == PipelineState.FAILED ? Outcome.FAILED : Outcome.STOPPED);
            }
            if (lease.shared() && sourceOutOfReach) {
                // Another instance may reach the source: let it take the lease before this one tries again.
                sourceOutOfReach = false;
                closeRequested.await(config.ha().leaseTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
            return Optional.empty();
        }
        if (stopping()) {
            pipeline.close();
            return end(Outcome.STOPPED);
        }
        // It ended by itself: a failure no other instance would fare better with (a poison event in halt mode).
        return end(pipeline.state() == PipelineState.FAILED ? Outcome.FAILED : Outcome.STOPPED);
    }

    /**
     * Runs every {@code ha.lease.check.interval.ms} while the lease is held: keeps it (its connection busy) and steps
     * down when it is gone, or, when other instances wait, when the term has not been able to read its source for
     * {@code source.down.unhealthy.after.ms} (another instance may be able to).
     */
    private void keep() {
        try {
            if (stepDown != null || stopping()) {
                return;
            }
            if (!lease.held()) {
                stepDown("the lease is lost (its connection to the state server ended: killed, timed out or the"
                        + " server went away)");
                return;
            }
            Duration limit = config.source().downUnhealthyAfter();
            // Counted within this term only: the monitoring's sample may still hold the previous term's.
            Duration down = pipeline.sourceDown();
            Duration term = Duration.ofNanos(System.nanoTime() - termStarted);
            if (lease.shared() && down.compareTo(limit) > 0 && term.compareTo(limit) > 0) {
                sourceOutOfReach = true;
                stepDown("the pipeline has not been able to read its source for " + down.toSeconds() + " s ("
                        + pipeline.view().source().problem().orElse("the source is unreachable") + "); another instance"
                        + " may reach it");
            }
        } catch (RuntimeException e) {
            // A failed check must not end the keeping (a scheduled task that throws is not run again).
            log.warn("pipeline '{}': lease check failed: {}", config.pipelineName(), e.getMessage());
        }
    }

    /** Steps down, once a term: the running term is stopped at once (also while it is still starting). */
    private void stepDown(String reason) {
        synchronized (this) {
            if (stepDown != null) {
                return;
            }
            stepDown = reason;
        }
        Thread closer = new Thread(pipeline::stepDown, "cdc-step-down-" + config.pipelineName());
        closer.setDaemon(true);
        closer.start();
    }

    private Optional<Outcome> end(Outcome outcome) {
        lease.release();
        return Optional.of(outcome);
    }

    private boolean stopping() {
        return closeRequested.getCount() == 0;
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    /** Stops waiting for the lease, or the running term (its events in progress finish), and gives the lease up. */
    public void close() {
        closeRequested.countDown();
        lease.close();
        pipeline.close();
    }
}
