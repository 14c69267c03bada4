package io.cdcrunner.pipeline;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.source.SourceAccess;
import io.cdcrunner.check.SourceReadiness;
import io.cdcrunner.config.Redaction;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.config.SourceSettings;
import io.cdcrunner.config.StartFrom;
import io.cdcrunner.deadletter.DeadLetterStoreSink;
import io.cdcrunner.delivery.DeadLetterSink;
import io.cdcrunner.delivery.EventDelivery;
import io.cdcrunner.delivery.Lanes;
import io.cdcrunner.delivery.Ledger;
import io.cdcrunner.delivery.OrderingKey;
import io.cdcrunner.delivery.PauseGate;
import io.cdcrunner.metrics.PipelineMonitoring;
import io.cdcrunner.delivery.ProcessedListener;
import io.cdcrunner.delivery.RetryingDelivery;
import io.cdcrunner.binlog.StartPlan;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.schema.BinlogPoint;
import io.cdcrunner.schema.CaptureFilter;
import io.cdcrunner.schema.SchemaRecoveries;
import io.cdcrunner.schema.SkippedStatementFilter;
import io.cdcrunner.schema.SkippedStatementGuard;
import io.cdcrunner.schema.TableEvents;
import io.cdcrunner.binlog.RecordMapper;
import io.cdcrunner.source.ServerInfo;
import io.cdcrunner.source.ServerInfo.BinlogPosition;
import io.cdcrunner.binlog.OffsetSeeder;
import io.cdcrunner.state.StateDirectory;
import io.cdcrunner.visibility.VisibilityMetrics;

/**
 * One source, one processor: the embedded Debezium engine tails the binlog and every committed change
 * that passes the filters runs the processor. {@link #start()} returns once the engine runs; from then on
 * every change committed after the recorded (or seeded) position is delivered.
 */
public final class Pipeline implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

    private final RunnerConfig config;
    private final ProcessedListener listener;
    private final AtomicReference<PipelineState> state = new AtomicReference<>(PipelineState.STARTING);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final PipelineCounters counters = new PipelineCounters();
    private final VisibilityMetrics visibilityMetrics = new VisibilityMetrics();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final CountDownLatch closeRequested = new CountDownLatch(1);
    private final PauseGate pauseGate = new PauseGate();
    private final PipelineMonitoring monitoring;
    private ProcessorHost processorHost;
    private EventDelivery delivery;
    private Lanes lanes;
    private DeadLetterSink deadLetters;
    private VisibilityWiring visibility;
    private PipelineHousekeeping housekeeping;
    private StateDirectory stateDir;
    private EventDispatcher dispatcher;
    private volatile EngineSupervisor engine;
    private AutoCloseable skippedStatements;
    private ServerFlavor flavor;

    public Pipeline(RunnerConfig config, ProcessedListener listener) {
        this.config = config;
        this.listener = listener;
        this.monitoring = new PipelineMonitoring(this, config);
    }

    public Pipeline(RunnerConfig config) {
        this(config, ProcessedListener.NONE);
    }

    /**
     * Probes the source (waiting while it is unreachable), prepares the state directory, opens the processor
     * and starts the engine.
     *
     * @throws PipelineStartException with a message naming the problem and the fix; nothing keeps running
     */
    public void start() {
        Redaction.install(Redaction.of(config));
        try {
            monitoring.start();
            stateDir = new StateDirectory(config.stateDir()).create();
            StartPlan plan = prepareSource(stateDir);
            synchronized (this) {
                if (stopping()) {
                    throw new PipelineStartException("stopped during start-up");
                }
                // The processor and its keys are checked before anything is recorded.
                openProcessing();
            }
            if (plan.seedCurrentPosition()) {
                seedCurrentPosition();
            }
            synchronized (this) {
                if (stopping()) {
                    throw new PipelineStartException("stopped during start-up");
                }
                skippedStatements = SkippedStatementFilter.listen(config.pipelineName(), new SkippedStatementGuard(
                        config.pipelineName(), CaptureFilter.of(config.source()), flavor,
                        () -> SourceAccess.of(config.source()).connect(), () -> BinlogPoint.recordedIn(stateDir.offsetsFile()),
                        new SchemaRecoveries(stateDir.schemaRecoveriesFile()), this::onUnreadableStatement,
                        counters::onRowlessChange));
                engine = new EngineSupervisor(config, flavor, stateDir,
                        new BatchGate(dispatcher, pauseGate, monitoring.lag(), this::stopping), closeRequested,
                        counters::finishedCount, this::engineEnded);
                log.info("pipeline '{}' starting: processor {}, {} lane(s)", config.pipelineName(),
                        config.processor().className(), config.delivery().threads());
                engine.start(plan.mode());
                housekeeping = new PipelineHousekeeping(config.pipelineName(), counters, delivery, stateDir);
                housekeeping.start();
            }
        } catch (RuntimeException e) {
            fail(e);
            releaseResources();
            monitoring.close();
            terminated.countDown();
            throw e instanceof PipelineStartException ? e : new PipelineStartException(e.getMessage(), e);
        }
    }

    /** Processor, ledger, dead letters, read barrier, lanes and the dispatcher that feeds them. */
    private void openProcessing() {
        processorHost = ProcessorHost.open(config);
        delivery = new EventDelivery(processorHost.processor(), processorHost.dataSource(),
                new Ledger(config.delivery().ledgerTable(), config.pipelineName()));
        try {
            delivery.open();
        } catch (SQLException e) {
            throw new PipelineStartException("cannot create the ledger table " + config.delivery().ledgerTable()
                    + " for " + config.processor().className() + ": " + e.getMessage()
                    + "; grant CREATE on it to the processor's user or set processor.ledger.table", e);
        }
        deadLetters = DeadLetterWiring.open(config);
        visibility = VisibilityWiring.open(config, flavor, visibilityMetrics);
        RetryingDelivery retrying = new RetryingDelivery(delivery, visibility.barrier(), config.delivery(),
                deadLetters, counters.delivery(), this::stopping);
        lanes = new Lanes(config.delivery().threads(), new OrderingKey(config.delivery().orderingColumn()),
                retrying, monitoring.listener(listener), this::stopping, config.pipelineName());
        RecordMapper mapper = new RecordMapper();
        dispatcher = new EventDispatcher(mapper, tableEvents(), new UnmappableRecords(config.pipelineName(), mapper, deadLetters,
                counters.delivery(), Clock.systemUTC()), lanes, config.source().operations(), counters,
                () -> advance(PipelineState.STARTING, PipelineState.SNAPSHOTTING), this::markStreaming);
    }

    /** What turns the engine's schema changes into DROP events; it knows the captured tables now on the server. */
    private TableEvents tableEvents() {
        TableEvents tableEvents = new TableEvents(CaptureFilter.of(config.source()));
        if (config.source().operations().contains(Operation.DROP)) {
            tableEvents.learnHistory(stateDir.schemaHistoryFile());
            try (Connection connection = SourceAccess.of(config.source()).connect()) {
                tableEvents.learnCatalog(connection);
            } catch (SQLException e) {
                log.warn("cannot list the captured tables ({}): a DROP DATABASE will be delivered as DROP events only "
                        + "for the tables the schema history defines or DDL statements create", e.getMessage());
            }
        }
        return tableEvents;
    }

    /**
     * A statement the engine could not read may concern a captured table (a DDL statement it cannot parse, a row
     * change logged as a statement). Runs on the binlog thread, which stays
     * here until the records before the statement are processed, so that nothing after it is read meanwhile; then
     * the engine is closed, to start again with the server's definitions or to stay stopped.
     */
    private void onUnreadableStatement(SkippedStatementGuard.Decision decision) {
        dispatcher.fenceAt(decision);
        Duration quiet = Duration.ofMillis(Math.max(500, 4 * config.engine().pollInterval().toMillis()));
        boolean drained;
        try {
            drained = dispatcher.awaitDrained(quiet, config.shutdownTimeout(), pauseGate::isPaused, this::stopping);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = false;
        }
        EngineSupervisor running = engine;
        if (running == null || stopping()) {
            return;
        }
        if (decision.recover() && drained) {
            running.reloadSchemaAt(decision, dispatcher::clearFence);
            return;
        }
        if (decision.action() == SkippedStatementGuard.Decision.Action.RETRY) {
            // The source went away while the statement was judged: start again at the recorded position, which
            // reads it again (the engine's own reconnecting covers an outage that lasts).
            log.warn("pipeline '{}': {}; restarting the engine to judge the statement again", config.pipelineName(),
                    decision.reason());
            running.restartAt(dispatcher::clearFence);
            return;
        }
        // Reloading the definitions is right only once every record before the statement is processed: if they
        // did not finish (a pause, a stuck processor), stop instead; they come again at the next start.
        String reason = decision.recover() ? "the events before it did not finish within " + config.shutdownTimeout()
                .toMillis() + " ms (paused, or a slow processor), so the definitions cannot be reloaded right after it"
                : decision.reason();
        Throwable stop = new FailureTranslator.PipelineFailure(
                decision.change().stopMessage(reason, stateDir.root().toString()), null);
        if (failure.compareAndSet(null, stop)) {
            state.set(PipelineState.FAILED);
            log.error("pipeline '{}' failed: {}", config.pipelineName(), stop.getMessage());
            Thread closer = new Thread(running::close, "cdc-schema-stop-" + config.pipelineName());
            closer.setDaemon(true);
            closer.start();
        }
    }

    private boolean stopping() {
        return closeRequested.getCount() == 0;
    }

    /** Whether {@link #close()} was called (a SIGTERM, say). */
    public boolean stopRequested() {
        return stopping();
    }

    private StartPlan prepareSource(StateDirectory stateDir) {
        SourceSettings source = config.source();
        return new SourceProbe(source, closeRequested).withConnection(connection -> {
            ServerInfo info = ServerInfo.read(connection);
            List<String> problems = SourceReadiness.problems(connection, info);
            if (!problems.isEmpty()) {
                throw new PipelineStartException("the source " + source.host() + ":" + source.port()
                        + " cannot be read as it is set up: " + String.join("; ", problems));
            }
            flavor = source.flavor().orElse(info.flavor());
            boolean recoverySnapshot = false;
            Optional<String> purged = PurgedPositionCheck.purgedFile(connection, stateDir);
            if (purged.isPresent()) {
                if (source.recovery() != SourceSettings.Recovery.SNAPSHOT) {
                    throw new PipelineStartException(FailureTranslator.purgedMessage(stateDir));
                }
                PurgedPositionCheck.setStateAside(stateDir, purged.get());
                recoverySnapshot = true;
            }
            StartPlan plan = StartPlan.decide(OffsetSeeder.hasOffsets(stateDir.offsetsFile()),
                    stateDir.hasSchemaHistory(), source.start() == StartFrom.SNAPSHOT || recoverySnapshot,
                    source.recovery() == SourceSettings.Recovery.SNAPSHOT);
            return plan;
        });
    }

    /** First start at the binlog end: the position is recorded before the engine starts, so nothing after it is missed. */
    private void seedCurrentPosition() {
        new SourceProbe(config.source(), closeRequested).withConnection(connection -> {
            BinlogPosition position = ServerInfo.currentPosition(connection);
            OffsetSeeder.seedIfAbsent(stateDir.offsetsFile(), config.pipelineName(), config.pipelineName(),
                    position.file(), position.position(), position.gtidSet());
            log.info("first start: recorded the current binlog end {}:{}{} as the start position",
                    position.file(), position.position(),
                    position.gtidSet() == null ? "" : " (GTIDs " + position.gtidSet() + ")");
            return null;
        });
    }

    private void markStreaming() {
        if (state.get() == PipelineState.STREAMING) {
            return;
        }
        if (advance(PipelineState.STARTING, PipelineState.STREAMING)
                || advance(PipelineState.SNAPSHOTTING, PipelineState.STREAMING)) {
            log.info("pipeline '{}' streaming", config.pipelineName());
            // The engine has created its schema history file by now, with the process's umask.
            stateDir.tighten();
        }
    }

    private boolean advance(PipelineState from, PipelineState to) {
        return state.compareAndSet(from, to);
    }

    /** The engine ended for good: cleanly (null) or with a failure a restart cannot fix. */
    private void engineEnded(Throwable error) {
        Throwable cause = error == null ? null : FailureTranslator.translate(rootHalt(error), stateDir);
        if (cause != null && stopping() && !(cause instanceof ProcessingHaltedException)) {
            // Closing an engine that is still starting makes it report an error; the stop was asked for.
            log.debug("engine ended with '{}' during a requested stop", cause.getMessage());
            cause = null;
        }
        if (cause != null && failure.get() != null) {
            // The pipeline had already failed with its own message (a DDL stop); the engine's ending adds nothing.
            log.debug("engine ended with '{}' after the pipeline failed", cause.getMessage());
        } else if (cause != null) {
            fail(cause);
            log.error("pipeline '{}' failed: {}", config.pipelineName(), describe(failure.get()));
        } else if (!state.get().isFinal()) {
            state.set(PipelineState.STOPPED);
        }
        releaseResources();
        terminated.countDown();
    }

    private static Throwable rootHalt(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ProcessingHaltedException) {
                return t;
            }
        }
        return error;
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
        if (skippedStatements != null) {
            try {
                skippedStatements.close();
            } catch (Exception e) {
                log.debug("closing the skipped-statement listener: {}", e.toString());
            }
            skippedStatements = null;
        }
        if (housekeeping != null) {
            housekeeping.close();
            housekeeping = null;
        }
        if (lanes != null) {
            lanes.close();
            lanes = null;
        }
        if (deadLetters instanceof DeadLetterStoreSink sink) {
            sink.close();
        }
        deadLetters = null;
        if (visibility != null) {
            visibility.close();
            visibility = null;
        }
        if (processorHost != null) {
            processorHost.close();
            processorHost = null;
        }
        if (engine != null) {
            engine.shutdownNow();
        }
    }

    public PipelineState state() {
        return state.get();
    }

    /** The error that stopped the pipeline, if it failed. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    public PipelineCounters counters() {
        return counters;
    }

    /** What the visibility barrier did (waits, wait times, timeouts); readable also after the pipeline stopped. */
    public VisibilityMetrics visibility() {
        return visibilityMetrics;
    }

    /** The server flavor in use, once started. */
    public ServerFlavor flavor() {
        return flavor;
    }

    public String name() {
        return config.pipelineName();
    }

    /** How long the binlog connection may be down before the pipeline counts as unhealthy. */
    public Duration sourceDownLimit() {
        return config.source().downUnhealthyAfter();
    }

    /** Holds the pipeline before its next batch while paused (the JMX operations pause and resume). */
    public PauseGate pauseGate() {
        return pauseGate;
    }

    /** Waits until the pipeline stopped or failed. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Stops taking events, lets the events in progress finish (or abandons them after
     * {@code shutdown.timeout.ms}: they will be delivered again), flushes offsets and closes the processor.
     * Idempotent; safe to call from a signal handler while {@link #start()} is still waiting for the source.
     */
    @Override
    public void close() {
        boolean first = closeRequested.getCount() > 0;
        closeRequested.countDown();
        EngineSupervisor running;
        synchronized (this) {
            running = engine;
            if (!state.get().isFinal()) {
                state.set(PipelineState.STOPPING);
            }
            if (dispatcher != null) {
                dispatcher.requestStop();
            }
        }
        if (running == null || !first || terminated.getCount() == 0) {
            awaitQuietly(config.shutdownTimeout());
            releaseResources();
            monitoring.close();
            return;
        }
        log.info("pipeline '{}' stopping (at most {} ms)", config.pipelineName(), config.shutdownTimeout().toMillis());
        long started = System.nanoTime();
        running.close();
        if (!awaitQuietly(config.shutdownTimeout())) {
            log.warn("pipeline '{}' did not stop within {} ms; abandoning the events in progress "
                    + "(they will be delivered again)", config.pipelineName(), config.shutdownTimeout().toMillis());
        }
        releaseResources();
        state.compareAndSet(PipelineState.STOPPING, PipelineState.STOPPED);
        monitoring.close();
        log.info("pipeline '{}' {} after {} ms: {}", config.pipelineName(),
                state.get().name().toLowerCase(java.util.Locale.ROOT),
                Duration.ofNanos(System.nanoTime() - started).toMillis(), counters.summary());
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
