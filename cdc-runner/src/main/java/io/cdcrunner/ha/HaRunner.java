package io.cdcrunner.ha;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.zaxxer.hikari.HikariDataSource;

import io.cdcrunner.config.JdbcTarget;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.core.PipelineCounters;
import io.cdcrunner.core.PipelineStartException;
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.core.PipelineView;
import io.cdcrunner.metrics.PipelineMonitoring;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.pipeline.ProcessorProblem;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.state.Fence;
import io.cdcrunner.state.JdbcStateStore;

/**
 * One instance of a pipeline that several instances run ({@code ha.enabled}): it stands by ({@link PipelineState#STANDBY})
 * until it takes the lease ({@link Lease}), then runs the pipeline with a {@link Fence} of the lease's new epoch, checks
 * every {@code ha.lease.check.interval.ms} that it still holds the lease, and steps down, back to standby, at once when
 * it does not or when one of its writes was fenced. Monitoring (JMX, progress lines) is this object's, across terms.
 */
public final class HaRunner implements PipelineView {

    private static final Logger log = LoggerFactory.getLogger(HaRunner.class);
    private static final Duration RETRY = Duration.ofSeconds(1);

    /** How {@link #run} ended. */
    public enum Outcome {
        /** Stopped as asked (SIGTERM). */
        STOPPED,
        /** The pipeline failed with an error a takeover cannot fix; the lease was given up for another instance. */
        FAILED,
        /** The configuration cannot work (the processor, or the stores not on the lease's server). */
        BAD_CONFIG
    }

    private final RunnerConfig config;
    private final Function<PipelineMonitoring, Pipeline> pipelines;
    private final PipelineMonitoring monitoring;
    private final CountDownLatch closeRequested = new CountDownLatch(1);
    private final String holder = holderName();
    private final PipelineCounters noCounters = new PipelineCounters();
    private volatile Pipeline current;
    private volatile Pipeline last;
    private volatile PipelineState idleState = PipelineState.STANDBY;
    private volatile String stepDown;
    private volatile long epoch;
    private boolean tablesCreated;

    /** @param pipelines makes the pipeline of one term, reporting to the given monitoring */
    public HaRunner(RunnerConfig config, Function<PipelineMonitoring, Pipeline> pipelines) {
        this.config = config;
        this.pipelines = pipelines;
        this.monitoring = new PipelineMonitoring(this, config);
    }

    /** Stands by and runs terms until {@link #close} or a failure a takeover cannot fix. */
    public Outcome run() throws InterruptedException {
        monitoring.start();
        Lease lease = new Lease(config.state().jdbc(), config.pipelineName(), config.ha());
        try (HikariDataSource state = JdbcStateStore.pool(config.pipelineName() + "-lease", config.state().jdbc(),
                config.ha().waitTimeoutSeconds())) {
            while (!stopping()) {
                Optional<Outcome> end = term(lease, state);
                if (end.isPresent()) {
                    return end.get();
                }
            }
            return Outcome.STOPPED;
        } finally {
            lease.release();
            if (current == null && idleState == PipelineState.STANDBY) {
                idleState = PipelineState.STOPPED;
            }
            monitoring.close();
        }
    }

    /** One standby and, once the lease is taken, one active term; empty to stand by again. */
    private Optional<Outcome> term(Lease lease, HikariDataSource state) throws InterruptedException {
        idleState = PipelineState.STANDBY;
        long waitingSince = System.nanoTime();
        log.info("pipeline '{}' standing by: waiting for the lease {}", config.pipelineName(),
                Lease.lockName(config.pipelineName()));
        if (!acquire(lease, state)) {
            return Optional.of(Outcome.STOPPED);
        }
        long took = System.nanoTime();
        String leaseTable = JdbcStateStore.leaseTable(config.state());
        try {
            epoch = lease.takeEpoch(state, leaseTable, holder);
        } catch (SQLException e) {
            log.warn("pipeline '{}': took the lock but cannot update the lease row {} ({}); standing by again",
                    config.pipelineName(), leaseTable, e.getMessage());
            lease.release();
            waitBeforeRetry();
            return Optional.empty();
        }
        Optional<String> elsewhere = storesElsewhere(lease);
        if (elsewhere.isPresent()) {
            log.error("cannot run with ha.enabled: {}", elsewhere.get());
            return Optional.of(Outcome.BAD_CONFIG);
        }
        stepDown = null;
        Fence fence = new Fence(config.pipelineName(), leaseTable, epoch, this::fenced);
        fence.install();
        log.info("pipeline '{}' active: took the lease (epoch {}) as {} after {} ms in standby", config.pipelineName(),
                epoch, holder, Duration.ofNanos(took - waitingSince).toMillis());
        Pipeline pipeline = pipelines.apply(monitoring);
        current = pipeline;
        if (stopping()) {
            // A SIGTERM while the lease was being taken found no pipeline to close: it is not started at all.
            return end(fence, lease, pipeline, Outcome.STOPPED);
        }
        try {
            pipeline.start();
            log.info("pipeline '{}' active and started {} ms after taking the lease (epoch {})", config.pipelineName(),
                    Duration.ofNanos(System.nanoTime() - took).toMillis(), epoch);
            watch(lease, pipeline);
        } catch (ProcessorProblem e) {
            log.error("cannot start: {}", e.getMessage());
            return end(fence, lease, pipeline, Outcome.BAD_CONFIG);
        } catch (PipelineStartException e) {
            if (!stopping() && stepDown == null) {
                log.error("cannot start: {}", e.getMessage());
                return end(fence, lease, pipeline, Outcome.FAILED);
            }
        }
        if (stepDown != null) {
            log.warn("pipeline '{}' stepping down (epoch {}): {}; standing by", config.pipelineName(), epoch, stepDown);
            fence.retire();
            pipeline.close();
            finish(lease, pipeline);
            return Optional.empty();
        }
        if (stopping()) {
            pipeline.close();
            return end(fence, lease, pipeline, Outcome.STOPPED);
        }
        // It ended by itself: a failure no other instance would fare better with (a poison event in halt mode).
        return end(fence, lease, pipeline, pipeline.state() == PipelineState.FAILED ? Outcome.FAILED : Outcome.STOPPED);
    }

    /** Until the pipeline ends, or the lease is lost, or a write was fenced. */
    private void watch(Lease lease, Pipeline pipeline) throws InterruptedException {
        while (!pipeline.awaitTermination(config.ha().checkInterval())) {
            if (stepDown != null || stopping()) {
                return;
            }
            if (!lease.held()) {
                stepDown = "the lease is lost (its connection to the state server ended: killed, timed out or the server"
                        + " went away)";
                return;
            }
        }
    }

    private Optional<Outcome> end(Fence fence, Lease lease, Pipeline pipeline, Outcome outcome) {
        fence.retire();
        finish(lease, pipeline);
        return Optional.of(outcome);
    }

    private void finish(Lease lease, Pipeline pipeline) {
        lease.release();
        last = pipeline;
        current = null;
        idleState = stopping() ? PipelineState.STOPPED : PipelineState.STANDBY;
    }

    private void fenced() {
        stepDown = "another instance took the lease over: a write of this instance was refused by the lease's epoch";
    }

    /** Waits for the lock, a second at a time (so a stop is noticed), through state-server outages. */
    private boolean acquire(Lease lease, HikariDataSource state) throws InterruptedException {
        int failures = 0;
        while (!stopping()) {
            try {
                if (!tablesCreated) {
                    JdbcStateStore.createTables(state, config.state());
                    tablesCreated = true;
                }
                if (lease.tryAcquire(1)) {
                    return true;
                }
                failures = 0;
            } catch (SQLException e) {
                if (failures++ % 30 == 0) {
                    log.warn("pipeline '{}' standing by: cannot reach the state server {} ({}); trying again",
                            config.pipelineName(), config.state().jdbc().shownUrl(), e.getMessage());
                }
                waitBeforeRetry();
            }
        }
        return false;
    }

    private void waitBeforeRetry() throws InterruptedException {
        closeRequested.await(RETRY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The ledger (the processor's pool) and the dead letters must be on the lease's server, where their transactions
     * can read the lease row: a connection there sees this instance's lease connection hold the lock.
     */
    private Optional<String> storesElsewhere(Lease lease) {
        for (var store : new Object[][] {
                {config.processor().jdbc(), "the processor's database (processor.jdbc.url), which holds the ledger"},
                {config.deadLetters().jdbc(), "the dead-letter store (deadletter.jdbc.url)"}}) {
            JdbcTarget target = (JdbcTarget) store[0];
            try (Connection c = Lease.connect(target, new Properties()); PreparedStatement check = c.prepareStatement("SELECT IS_USED_LOCK(?)")) {
                check.setString(1, Lease.lockName(config.pipelineName()));
                try (ResultSet row = check.executeQuery()) {
                    row.next();
                    if (row.getLong(1) != lease.connectionId()) {
                        return Optional.of(store[1] + " at " + target.shownUrl() + " is not the state server "
                                + config.state().jdbc().shownUrl() + " where the lease is held: its transactions could"
                                + " not check the lease. Point state.jdbc.url and deadletter.jdbc.url at the"
                                + " processor's server (or leave them unset)");
                    }
                }
            } catch (SQLException e) {
                log.warn("cannot check that {} is on the lease's server ({}); going on", store[1], e.getMessage());
            }
        }
        return Optional.empty();
    }


    private static String holderName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return ProcessHandle.current().pid() + "@" + host;
    }

    private boolean stopping() {
        return closeRequested.getCount() == 0;
    }

    /** Stops standing by, or the running term (its events in progress finish), and gives the lease up. */
    public void close() {
        closeRequested.countDown();
        Pipeline running = current;
        if (running != null) {
            running.close();
        }
    }

    /** The epoch this instance holds (or last held) the lease with; 0 before the first. */
    public long epoch() {
        return epoch;
    }

    /** The last term's pipeline, for its summary. */
    public Optional<Pipeline> lastPipeline() {
        Pipeline running = current;
        return Optional.ofNullable(running != null ? running : last);
    }

    @Override
    public String name() {
        return config.pipelineName();
    }

    @Override
    public PipelineState state() {
        Pipeline running = current;
        return running != null ? running.state() : idleState;
    }

    @Override
    public PipelineCounters counters() {
        return lastPipeline().map(Pipeline::counters).orElse(noCounters);
    }

    @Override
    public Optional<Throwable> failure() {
        return lastPipeline().flatMap(Pipeline::failure);
    }

    @Override
    public ServerFlavor flavor() {
        return lastPipeline().map(Pipeline::flavor).orElse(null);
    }

    @Override
    public Duration sourceDownLimit() {
        return config.source().downUnhealthyAfter();
    }

    @Override
    public Optional<Boolean> sourceConnected() {
        Pipeline running = current;
        return running == null ? Optional.empty() : running.sourceConnected();
    }

    @Override
    public boolean isPaused() {
        Pipeline running = current;
        return running != null && running.isPaused();
    }

    @Override
    public void pause() {
        Pipeline running = current;
        if (running != null) {
            running.pause();
        }
    }

    @Override
    public void resume() {
        Pipeline running = current;
        if (running != null) {
            running.resume();
        }
    }
}
