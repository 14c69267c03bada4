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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
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
import io.cdcrunner.core.SourceStatus;
import io.cdcrunner.metrics.PipelineMonitoring;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.pipeline.ProcessorProblem;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.state.Fence;
import io.cdcrunner.state.JdbcStateStore;

/**
 * One instance of a pipeline that several instances run ({@code ha.enabled}): it stands by ({@link PipelineState#STANDBY})
 * until it takes the lease ({@link Lease}), then runs the pipeline with a {@link Fence} of the lease's new epoch. From
 * the moment it holds the lock, a thread of its own checks every {@code ha.lease.check.interval.ms} that it still does
 * (which also keeps the lease connection from timing out while the pipeline starts); it steps down, back to standby,
 * at once when it does not, when one of its writes was fenced, or when its pipeline cannot read the source for
 * {@code source.down.unhealthy.after.ms}. Monitoring (JMX, progress lines) is this object's, across terms.
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
    /** Why a standby cannot reach its state server; null while it can (monitoring times the outage). */
    private volatile String stateError;
    private ScheduledExecutorService keeper;
    private volatile long termStarted = System.nanoTime();
    /** The last step-down was for a source this instance could not read: the others get the first chance. */
    private volatile boolean sourceOutOfReach;

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
        keeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cdc-lease-" + config.pipelineName());
            t.setDaemon(true);
            return t;
        });
        try (HikariDataSource state = JdbcStateStore.pool(config.pipelineName() + "-lease", config.state().jdbc(),
                io.cdcrunner.state.HaSessionLimit.of(config.ha()))) {
            while (!stopping()) {
                Optional<Outcome> end = term(lease, state);
                if (end.isPresent()) {
                    return end.get();
                }
            }
            return Outcome.STOPPED;
        } catch (Lease.UnsupportedServer e) {
            log.error("cannot run with ha.enabled: {}", e.getMessage());
            return Outcome.BAD_CONFIG;
        } finally {
            keeper.shutdownNow();
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
        stepDown = null;
        // From the moment the lock is taken: a start longer than the lease timeout must not let it go idle.
        long interval = config.ha().checkInterval().toMillis();
        ScheduledFuture<?> keeping = keeper.scheduleWithFixedDelay(() -> keep(lease), interval, interval,
                TimeUnit.MILLISECONDS);
        try {
            return activeTerm(lease, state, waitingSince);
        } finally {
            keeping.cancel(false);
        }
    }

    /** Holding the lock: takes the epoch, checks the stores and runs the pipeline until it ends or steps down. */
    private Optional<Outcome> activeTerm(Lease lease, HikariDataSource state, long waitingSince)
            throws InterruptedException {
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
        try {
            Optional<String> elsewhere = storesElsewhere(lease);
            if (elsewhere.isPresent()) {
                log.error("cannot run with ha.enabled: {}", elsewhere.get());
                lease.release();
                return Optional.of(Outcome.BAD_CONFIG);
            }
        } catch (SQLException e) {
            // Without the check a takeover could write where the lease does not fence; the other instance may fare
            // better, or this one later.
            log.warn("pipeline '{}': took the lease but cannot check that the processor's database and the dead "
                    + "letters are on the lease's server ({}); standing by again", config.pipelineName(),
                    e.getMessage());
            lease.release();
            waitBeforeRetry();
            return Optional.empty();
        }
        Fence fence = new Fence(config.pipelineName(), leaseTable, epoch, this::fenced);
        fence.install();
        log.info("pipeline '{}' active: took the lease (epoch {}) as {} after {} ms in standby", config.pipelineName(),
                epoch, holder, Duration.ofNanos(took - waitingSince).toMillis());
        Pipeline pipeline = pipelines.apply(monitoring);
        // Visible to a step-down from now on, which closes it; checked after, so that none goes unnoticed.
        current = pipeline;
        termStarted = System.nanoTime();
        if (stopping() || stepDown != null) {
            // A SIGTERM (or a lost lease) while the lease was being taken: the pipeline is not started at all.
            if (stepDown != null) {
                log.warn("pipeline '{}' stepping down (epoch {}): {}; standing by", config.pipelineName(), epoch,
                        stepDown);
            }
            fence.retire();
            finish(lease, pipeline);
            return stopping() ? Optional.of(Outcome.STOPPED) : Optional.empty();
        }
        try {
            pipeline.start();
            log.info("pipeline '{}' active and started {} ms after taking the lease (epoch {})",
                    config.pipelineName(), Duration.ofNanos(System.nanoTime() - took).toMillis(), epoch);
            watch(pipeline);
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
            if (sourceOutOfReach) {
                // Another instance may reach the source: let it take the lease before this one tries again.
                sourceOutOfReach = false;
                closeRequested.await(config.ha().leaseTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
            return Optional.empty();
        }
        if (stopping()) {
            pipeline.close();
            return end(fence, lease, pipeline, Outcome.STOPPED);
        }
        // It ended by itself: a failure no other instance would fare better with (a poison event in halt mode).
        return end(fence, lease, pipeline, pipeline.state() == PipelineState.FAILED ? Outcome.FAILED : Outcome.STOPPED);
    }

    /**
     * Runs every {@code ha.lease.check.interval.ms} while this instance holds the lock, on a thread of its own: keeps
     * the lease connection busy (the server ends it after the lease timeout without a statement) and steps down when
     * the lock is gone, or when the pipeline has not been able to read its source for
     * {@code source.down.unhealthy.after.ms} (another instance may be able to).
     */
    private void keep(Lease lease) {
        try {
            if (stepDown != null || stopping()) {
                return;
            }
            if (!lease.held()) {
                stepDown("the lease is lost (its connection to the state server ended: killed, timed out or the"
                        + " server went away)");
                return;
            }
            Pipeline running = current;
            Duration limit = config.source().downUnhealthyAfter();
            // Counted within this term only: the monitoring's sample may still hold the previous term's.
            Duration down = monitoring.sourceDown();
            Duration term = Duration.ofNanos(System.nanoTime() - termStarted);
            if (running != null && down.compareTo(limit) > 0 && term.compareTo(limit) > 0) {
                sourceOutOfReach = true;
                stepDown("the pipeline has not been able to read its source for " + down.toSeconds() + " s ("
                        + running.source().problem().orElse("the source is unreachable") + "); another instance may reach"
                        + " it");
            }
        } catch (RuntimeException e) {
            // A failed check must not end the keeping (a scheduled task that throws is not run again).
            log.warn("pipeline '{}': lease check failed: {}", config.pipelineName(), e.getMessage());
        }
    }

    /** Steps down, once: the running pipeline is closed at once (also while it is still starting). */
    private void stepDown(String reason) {
        synchronized (this) {
            if (stepDown != null) {
                return;
            }
            stepDown = reason;
        }
        Pipeline running = current;
        if (running != null) {
            Thread closer = new Thread(running::close, "cdc-step-down-" + config.pipelineName());
            closer.setDaemon(true);
            closer.start();
        }
    }

    /** Until the pipeline ends, or it steps down (the lease lost, a write fenced, the source out of reach). */
    private void watch(Pipeline pipeline) throws InterruptedException {
        while (!pipeline.awaitTermination(config.ha().checkInterval())) {
            if (stepDown != null || stopping()) {
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
        stepDown("another instance took the lease over: a write of this instance was refused by the lease's epoch");
    }

    /** Waits for the lock, a second at a time (so a stop is noticed), through state-server outages. */
    private boolean acquire(Lease lease, HikariDataSource state) throws InterruptedException {
        int failures = 0;
        while (!stopping()) {
            try {
                // The lock first: its plain connection says at once why the server refuses (the pool would wait).
                boolean taken = lease.tryAcquire(1);
                stateError = null;
                if (taken) {
                    if (!tablesCreated) {
                        try {
                            JdbcStateStore.createTables(state, config.state());
                        } catch (SQLException e) {
                            lease.release();
                            throw e;
                        }
                        tablesCreated = true;
                    }
                    return true;
                }
                failures = 0;
            } catch (SQLException e) {
                stateError = String.valueOf(e.getMessage());
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
     *
     * @throws SQLException when a store cannot be reached: it is not known where it is
     */
    private Optional<String> storesElsewhere(Lease lease) throws SQLException {
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
                throw new SQLException(store[1] + " at " + target.shownUrl() + ": " + e.getMessage(), e);
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

    /** The running pipeline's source; standing by, whether the state server (where the lease is) can be reached. */
    @Override
    public SourceStatus source() {
        Pipeline running = current;
        if (running != null) {
            return running.source();
        }
        String error = stateError;
        return error == null ? SourceStatus.UNKNOWN : SourceStatus.unreachable("standing by, but the state server "
                + config.state().jdbc().shownUrl() + " cannot be reached or refuses the login (" + error + "): this"
                + " instance cannot take over; check state.jdbc.url/user/password");
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
