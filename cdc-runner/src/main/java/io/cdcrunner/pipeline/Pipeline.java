package io.cdcrunner.pipeline;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.delivery.DeadLetterSink;
import io.cdcrunner.delivery.EventDelivery;
import io.cdcrunner.delivery.Lanes;
import io.cdcrunner.delivery.Ledger;
import io.cdcrunner.delivery.OrderingKey;
import io.cdcrunner.delivery.PauseGate;
import io.cdcrunner.delivery.ProcessedListener;
import io.cdcrunner.delivery.RetryingDelivery;
import io.cdcrunner.delivery.VisibilityBarrier;
import io.cdcrunner.config.SourceSettings;
import io.cdcrunner.config.StartFrom;
import io.cdcrunner.engine.EngineProperties;
import io.cdcrunner.engine.StartPlan;
import io.cdcrunner.metrics.PipelineMonitoring;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.source.ServerInfo.BinlogPosition;
import io.cdcrunner.source.RecordMapper;
import io.cdcrunner.source.ServerInfo;
import io.cdcrunner.state.OffsetSeeder;
import io.cdcrunner.state.StateDirectory;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;

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
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final CountDownLatch closeRequested = new CountDownLatch(1);
    private final ExecutorService engineThread;
    private final PauseGate pauseGate = new PauseGate();
    private final PipelineMonitoring monitoring;
    private ProcessorHost processorHost;
    private EventDelivery delivery;
    private Lanes lanes;
    private DeadLetterSink deadLetters;
    private PipelineHousekeeping housekeeping;
    private StateDirectory stateDir;
    private EventDispatcher dispatcher;
    private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private ServerFlavor flavor;

    public Pipeline(RunnerConfig config, ProcessedListener listener) {
        this.config = config;
        this.listener = listener;
        this.monitoring = new PipelineMonitoring(this, config);
        this.engineThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cdc-engine-" + config.pipelineName());
            t.setDaemon(false);
            return t;
        });
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
        try {
            monitoring.start();
            stateDir = new StateDirectory(config.stateDir()).create();
            StartPlan plan = prepareSource(stateDir);
            synchronized (this) {
                if (closeRequested.getCount() == 0) {
                    throw new PipelineStartException("stopped during start-up");
                }
                processorHost = ProcessorHost.open(config);
                delivery = new EventDelivery(processorHost.processor(), processorHost.dataSource(),
                        new Ledger(config.delivery().ledgerTable(), config.pipelineName()));
                openDelivery();
                deadLetters = DeadLetterWiring.open(config);
                RetryingDelivery retrying = new RetryingDelivery(delivery, VisibilityBarrier.NONE, config.delivery(), deadLetters,
                        counters.delivery(), this::stopping);
                lanes = new Lanes(config.delivery().threads(), new OrderingKey(config.delivery().orderingColumn()),
                        retrying, monitoring.listener(listener), this::stopping, config.pipelineName());
                dispatcher = new EventDispatcher(new RecordMapper(), lanes, config.source().operations(), counters,
                        () -> advance(PipelineState.STARTING, PipelineState.SNAPSHOTTING), this::markStreaming);
                startEngine(plan);
                housekeeping = new PipelineHousekeeping(config.pipelineName(), counters, delivery, stateDir);
                housekeeping.start();
            }
        } catch (RuntimeException e) {
            fail(e);
            releaseResources();
            engineThread.shutdownNow();
            terminated.countDown();
            throw e instanceof PipelineStartException ? e : new PipelineStartException(e.getMessage(), e);
        }
    }

    private void openDelivery() {
        try {
            delivery.open();
        } catch (java.sql.SQLException e) {
            throw new PipelineStartException("cannot create the ledger table " + config.delivery().ledgerTable()
                    + " for " + config.processor().className() + ": " + e.getMessage()
                    + "; grant CREATE on it to the processor's user or set processor.ledger.table", e);
        }
    }

    private boolean stopping() {
        return closeRequested.getCount() == 0;
    }

    private void startEngine(StartPlan plan) {
            Properties properties = EngineProperties.build(config, flavor, stateDir, plan.mode());
            engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                    .using(properties)
                    .notifying(new BatchGate(dispatcher, pauseGate, monitoring.lag(), this::stopping))
                    .using(this::engineCompleted)
                    .build();
            log.info("pipeline '{}' starting: {} {}:{}, snapshot mode {}, processor {}", config.pipelineName(),
                    flavor, config.source().host(), config.source().port(), plan.mode().debeziumName(),
                    config.processor().className());
            engineThread.execute(engine);
    }

    private StartPlan prepareSource(StateDirectory stateDir) {
        SourceSettings source = config.source();
        return new SourceProbe(source, closeRequested).withConnection(connection -> {
            ServerInfo info = ServerInfo.read(connection);
            flavor = source.flavor().orElse(info.flavor());
            StartPlan plan = StartPlan.decide(OffsetSeeder.hasOffsets(stateDir.offsetsFile()),
                    stateDir.hasSchemaHistory(), source.start() == StartFrom.SNAPSHOT,
                    source.recovery() == SourceSettings.Recovery.SNAPSHOT);
            if (plan.seedCurrentPosition()) {
                BinlogPosition position = ServerInfo.currentPosition(connection);
                OffsetSeeder.seedIfAbsent(stateDir.offsetsFile(), config.pipelineName(), config.pipelineName(),
                        position.file(), position.position(), position.gtidSet());
                log.info("first start: recorded the current binlog end {}:{}{} as the start position",
                        position.file(), position.position(),
                        position.gtidSet() == null ? "" : " (GTIDs " + position.gtidSet() + ")");
            }
            return plan;
        });
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

    private void engineCompleted(boolean success, String message, Throwable error) {
        Throwable cause = success && error == null ? null
                : FailureTranslator.translate(rootHalt(error != null ? error : new IllegalStateException(message)), stateDir);
        boolean stopRequested = state.get() == PipelineState.STOPPING;
        if (cause != null && stopRequested && !(cause instanceof ProcessingHaltedException)) {
            // Closing an engine that is still starting makes it report an error; the stop was asked for.
            log.debug("engine ended with '{}' during a requested stop", message);
            cause = null;
        }
        if (cause != null) {
            fail(cause);
            log.error("pipeline '{}' failed: {}", config.pipelineName(), describe(failure.get()));
        } else {
            PipelineState current = state.get();
            if (!current.isFinal()) {
                state.set(PipelineState.STOPPED);
            }
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
        if (t == null) {
            return "unknown error";
        }
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
        if (lanes != null) {
            lanes.close();
            lanes = null;
        }
        if (processorHost != null) {
            processorHost.close();
            processorHost = null;
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

    /** The server flavor in use, once started. */
    public ServerFlavor flavor() {
        return flavor;
    }

    public String name() {
        return config.pipelineName();
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
        closeRequested.countDown();
        DebeziumEngine<RecordChangeEvent<SourceRecord>> running;
        synchronized (this) {
            running = engine;
            PipelineState current = state.get();
            if (current == PipelineState.STOPPING) {
                running = null;
            } else if (!current.isFinal()) {
                state.set(PipelineState.STOPPING);
            }
            if (dispatcher != null) {
                dispatcher.requestStop();
            }
        }
        if (running == null || terminated.getCount() == 0) {
            awaitQuietly(config.shutdownTimeout());
            releaseResources();
            engineThread.shutdownNow();
            monitoring.close();
            return;
        }
        log.info("pipeline '{}' stopping (at most {} ms)", config.pipelineName(), config.shutdownTimeout().toMillis());
        long started = System.nanoTime();
        try {
            running.close();
        } catch (Exception e) {
            log.warn("engine close failed: {}", e.toString());
        }
        if (!awaitQuietly(config.shutdownTimeout())) {
            log.warn("pipeline '{}' did not stop within {} ms; abandoning the events in progress "
                    + "(they will be delivered again)", config.pipelineName(), config.shutdownTimeout().toMillis());
        }
        engineThread.shutdownNow();
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
