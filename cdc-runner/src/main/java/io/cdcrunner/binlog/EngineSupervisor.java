package io.cdcrunner.binlog;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.errors.Causes;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.delivery.FailureClassifier;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.state.StateStore;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;

/**
 * Runs the embedded engine and keeps it running: when it stops because the binlog connection was lost
 * (server restarted, connection reset while the daemon was behind), it is started again from the recorded
 * position after a backoff. Since that position only covers finished events, a restart can deliver events
 * again but never skips one. Any other failure ends the pipeline through {@code onEnd}.
 */
final class EngineSupervisor {

    private static final Logger log = LoggerFactory.getLogger(EngineSupervisor.class);

    private final RunnerConfig config;
    private final ServerFlavor flavor;
    private final StateStore state;
    private final DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> dispatcher;
    private final CountDownLatch closeRequested;
    private final Consumer<Throwable> onEnd;
    private final ExecutorService engineThread;
    private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private Runnable pendingReload;
    private final RestartBackoff backoff;
    private final java.util.function.LongSupplier processed;
    private final Supplier<StartPlan> plans;
    private volatile String restartProblem;
    /** Between an engine's end and its successor's start: no engine reads the source meanwhile. */
    private volatile boolean restarting;
    /** The pipeline's backfills, told when an engine's task starts and stops; null when the server cannot have them. */
    private final io.cdcrunner.binlog.backfill.Backfills backfills;

    /**
     * @param plans decides each start after the first from what the state store holds then ({@link StartPlan})
     */
    EngineSupervisor(RunnerConfig config, ServerFlavor flavor, StateStore state,
                     DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> dispatcher,
                     CountDownLatch closeRequested, java.util.function.LongSupplier processed,
                     Supplier<StartPlan> plans, Consumer<Throwable> onEnd) {
        this(config, flavor, state, dispatcher, closeRequested, processed, plans, onEnd, null);
    }

    EngineSupervisor(RunnerConfig config, ServerFlavor flavor, StateStore state,
                     DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> dispatcher,
                     CountDownLatch closeRequested, java.util.function.LongSupplier processed,
                     Supplier<StartPlan> plans, Consumer<Throwable> onEnd,
                     io.cdcrunner.binlog.backfill.Backfills backfills) {
        this.backfills = backfills;
        this.config = config;
        this.flavor = flavor;
        this.state = state;
        this.dispatcher = dispatcher;
        this.closeRequested = closeRequested;
        this.processed = processed;
        this.plans = plans;
        this.backoff = new RestartBackoff(config.source().connectRetryMaxBackoff());
        this.onEnd = onEnd;
        this.engineThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "cdc-engine-" + config.pipelineName()));
    }

    synchronized void start(StartPlan plan) {
        if (plan.redoneSnapshot().isPresent()) {
            log.warn("pipeline '{}': the initial snapshot that began at {} did not finish (the recorded offset was "
                    + "taken in its middle); reading the tables again from the start at the current binlog position. "
                    + "Every row is delivered again with its current values under a new snapshot event id (a "
                    + "transactional processor applies it again); a DELETE, TRUNCATE or DROP TABLE committed since the "
                    + "first attempt began is not delivered (a row it delivered and that is gone keeps its effect)",
                    config.pipelineName(), plan.redoneSnapshot().get().point().map(BinlogPoint::toString)
                    .orElse("an unknown position"));
        }
        start(plan.mode());
    }

    private synchronized void start(SnapshotMode mode) {
        if (closeRequested.getCount() == 0) {
            // A close that came while this start was being decided found the old engine: none must follow it.
            throw new IllegalStateException("stopping: no engine is started");
        }
        if (mode == SnapshotMode.RECOVERY || mode == SnapshotMode.INITIAL) {
            // These take the definitions from the server: the history is incomplete until they did.
            state.beginSchemaCapture();
        }
        Properties properties = EngineProperties.build(config, flavor, state, mode, backfills != null);
        DebeziumEngine.Builder<RecordChangeEvent<SourceRecord>> builder = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(properties)
                .notifying(dispatcher)
                .using(this::completed);
        if (backfills != null) {
            builder = builder.using(new BackfillCallback());
        }
        engine = builder.build();
        backoff.started(processed.getAsLong());
        log.info("pipeline '{}' engine starting: {} {}:{}, snapshot mode {}", config.pipelineName(), flavor,
                config.source().host(), config.source().port(), mode.debeziumName());
        engineThread.execute(engine);
    }

    /**
     * Closes the engine and starts it again at the recorded position (just before the statement, whose earlier
     * records are all marked) with the table definitions read from the server; the statement is recorded so that
     * reading it again passes. {@code beforeStart} runs once the old engine stopped.
     */
    void reloadSchemaAt(SkippedStatementGuard.Decision decision, Runnable beforeStart) {
        synchronized (this) {
            pendingReload = () -> {
                beforeStart.run();
                reloadSchema(decision.change());
            };
        }
        Thread closer = new Thread(this::close, "cdc-schema-close-" + config.pipelineName());
        closer.setDaemon(true);
        closer.start();
    }

    /** Closes the engine and starts it again at the recorded position, as after a lost connection. */
    void restartAt(Runnable beforeStart) {
        synchronized (this) {
            pendingReload = () -> {
                beforeStart.run();
                restartAfter(RestartBackoff.FIRST);
            };
        }
        Thread closer = new Thread(this::close, "cdc-engine-restart-" + config.pipelineName());
        closer.setDaemon(true);
        closer.start();
    }

    private void reloadSchema(UnreadableStatement change) {
        BinlogPoint at = change.position().orElseThrow();
        try {
            if (closeRequested.getCount() == 0) {
                onEnd.accept(null);
                return;
            }
            // History first: a crash before the statement is recorded then finds no history and rebuilds it from
            // the server again; the other order would trust the old definitions past the statement.
            if (state.hasSchemaHistory()) {
                state.setSchemaHistoryAside(at.file() + "-" + at.position());
            }
            new SchemaRecoveries(state).add(at, change.statement());
            log.warn("pipeline '{}': the engine cannot parse a DDL statement on captured {} at {}; took the table"
                            + " definitions from the server instead (no later statement changed them): {}",
                    config.pipelineName(), String.join(", ", change.targets()), at,
                    UnreadableStatement.abbreviated(change.statement()));
            start(new StartPlan(SnapshotMode.RECOVERY, false));
        } catch (RuntimeException e) {
            // A close that came meanwhile is the stop that was asked for, not a failure.
            onEnd.accept(closeRequested.getCount() == 0 ? null : e);
        }
    }

    private void completed(boolean success, String message, Throwable error) {
        Runnable reload;
        synchronized (this) {
            reload = pendingReload;
            pendingReload = null;
        }
        if (reload != null && closeRequested.getCount() > 0) {
            Thread reloader = new Thread(reload, "cdc-schema-reload-" + config.pipelineName());
            reloader.setDaemon(true);
            reloader.start();
            return;
        }
        Throwable failure = success && error == null ? null : error != null ? error : new IllegalStateException(message);
        if (failure != null && closeRequested.getCount() > 0 && isConnectionLoss(failure)) {
            Duration wait = backoff.afterLoss(processed.getAsLong());
            log.warn("pipeline '{}': binlog connection lost ({}); restarting from the recorded position in {} s",
                    config.pipelineName(), Causes.innermostMessage(failure), wait.toSeconds());
            Thread restarter = new Thread(() -> restartAfter(wait), "cdc-engine-restart-" + config.pipelineName());
            restarter.setDaemon(true);
            restarter.start();
            return;
        }
        onEnd.accept(failure);
    }

    /**
     * Starts the engine again after {@code wait}, deciding the start from the state store as a first start does. A
     * failure of the start itself (the state server unreachable, say) is retried with the same backoff, never the
     * end of the restarts: meanwhile no engine runs, which monitoring counts as the source being down.
     */
    private void restartAfter(Duration wait) {
        restarting = true;
        Duration next = wait;
        while (true) {
            try {
                if (closeRequested.await(next.toMillis(), TimeUnit.MILLISECONDS)) {
                    onEnd.accept(null);
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                onEnd.accept(null);
                return;
            }
            try {
                start(plans.get());
                restartProblem = null;
                restarting = false;
                return;
            } catch (ServerChoice.Refused e) {
                // The only server to go on with lacks what was read: going on would hide the loss.
                restartProblem = e.getMessage();
                onEnd.accept(e);
                return;
            } catch (RuntimeException e) {
                if (closeRequested.getCount() == 0) {
                    onEnd.accept(null);
                    return;
                }
                next = backoff.afterLoss(processed.getAsLong());
                restartProblem = "the engine could not be started again after a lost connection (" + Causes.innermostMessage(e)
                        + "); trying again in " + next.toSeconds() + " s";
                log.warn("pipeline '{}': {}", config.pipelineName(), restartProblem);
                log.debug("the engine's start failed", e);
            }
        }
    }

    /** Why no engine runs though the pipeline streams, while restarts fail; empty when none is failing. */
    Optional<String> restartProblem() {
        return Optional.ofNullable(restartProblem);
    }

    /** Whether no engine runs because the last one lost its connection and the next has not started yet. */
    boolean restarting() {
        return restarting;
    }

    /** The running engine's failure was the connection to the server, not a problem a restart cannot fix. */
    static boolean isConnectionLoss(Throwable failure) {
        if (FailureTranslator.isPurgedPosition(failure)) {
            return false;
        }
        if (FailureClassifier.isConnectionFailure(failure)) {
            return true;
        }
        for (Throwable t : Causes.chain(failure)) {
            if (t instanceof IOException && !(t instanceof java.io.FileNotFoundException)) {
                return true;
            }
            String text = t.getMessage();
            if (text != null && (text.contains("Connection reset") || text.contains("Communications link failure")
                    || text.contains("connection refused") || text.contains("Connection refused"))) {
                return true;
            }
        }
        return false;
    }

    /** Closes the running engine; its completion then reports the end. */
    void close() {
        DebeziumEngine<RecordChangeEvent<SourceRecord>> running;
        synchronized (this) {
            running = engine;
        }
        if (running != null) {
            try {
                running.close();
            } catch (IllegalStateException e) {
                // Already stopping (it failed, or another close came first): its completion reports the end.
                log.debug("engine close: {}", e.toString());
            } catch (Exception e) {
                log.warn("engine close failed: {}", e.toString());
            }
        }
    }

    void shutdownNow() {
        engineThread.shutdownNow();
    }

    /** Tells the backfills when signals can reach the engine just built, and when they no longer can. */
    private final class BackfillCallback implements DebeziumEngine.ConnectorCallback {

        private DebeziumEngine<RecordChangeEvent<SourceRecord>> own;

        @Override
        public void taskStarted() {
            DebeziumEngine<RecordChangeEvent<SourceRecord>> started;
            synchronized (EngineSupervisor.this) {
                started = engine;
            }
            own = started;
            backfills.engineStarted(started::getSignaler);
        }

        @Override
        public void taskStopped() {
            if (own != null) {
                backfills.engineStopped();
            }
        }
    }
}
