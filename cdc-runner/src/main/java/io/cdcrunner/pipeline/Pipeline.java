package io.cdcrunner.pipeline;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.config.SourceSettings;
import io.cdcrunner.config.StartFrom;
import io.cdcrunner.engine.EngineProperties;
import io.cdcrunner.engine.StartPlan;
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
    private final ExecutorService engineThread;
    private ProcessorHost processorHost;
    private EventDispatcher dispatcher;
    private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private ServerFlavor flavor;

    public Pipeline(RunnerConfig config, ProcessedListener listener) {
        this.config = config;
        this.listener = listener;
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
     * Probes the source, prepares the state directory, opens the processor and starts the engine.
     *
     * @throws PipelineStartException with a message naming the problem and the fix; nothing keeps running
     */
    public synchronized void start() {
        try {
            StateDirectory stateDir = new StateDirectory(config.stateDir()).create();
            StartPlan plan = prepareSource(stateDir);
            processorHost = ProcessorHost.open(config);
            dispatcher = new EventDispatcher(new RecordMapper(), processorHost.processor(),
                    config.source().operations(), counters, listener,
                    () -> advance(PipelineState.STARTING, PipelineState.SNAPSHOTTING),
                    this::markStreaming);
            Properties properties = EngineProperties.build(config, flavor, stateDir, plan.mode());
            engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                    .using(properties)
                    .notifying(dispatcher)
                    .using(this::engineCompleted)
                    .build();
            log.info("pipeline '{}' starting: {} {}:{}, snapshot mode {}, processor {}", config.pipelineName(),
                    flavor, config.source().host(), config.source().port(), plan.mode().debeziumName(),
                    config.processor().className());
            engineThread.execute(engine);
        } catch (RuntimeException e) {
            fail(e);
            releaseResources();
            throw e instanceof PipelineStartException ? e : new PipelineStartException(e.getMessage(), e);
        }
    }

    private StartPlan prepareSource(StateDirectory stateDir) {
        SourceSettings source = config.source();
        try (Connection connection = SourceJdbc.connect(source)) {
            ServerInfo info = ServerInfo.read(connection);
            flavor = source.flavor().orElse(info.flavor());
            StartPlan plan = StartPlan.decide(OffsetSeeder.hasOffsets(stateDir.offsetsFile()),
                    stateDir.hasSchemaHistory(), source.start() == StartFrom.SNAPSHOT);
            if (plan.seedCurrentPosition()) {
                BinlogPosition position = ServerInfo.currentPosition(connection);
                OffsetSeeder.seedIfAbsent(stateDir.offsetsFile(), config.pipelineName(), config.pipelineName(),
                        position.file(), position.position(), position.gtidSet());
                log.info("first start: recorded the current binlog end {}:{}{} as the start position",
                        position.file(), position.position(),
                        position.gtidSet() == null ? "" : " (GTIDs " + position.gtidSet() + ")");
            }
            return plan;
        } catch (SQLException e) {
            throw new PipelineStartException("cannot connect to the source " + source.host() + ":" + source.port()
                    + " as " + source.user() + ": " + e.getMessage()
                    + "; check source.host, source.port, source.user and the password, and that the server is up", e);
        }
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
        Throwable cause = success && error == null ? null : rootHalt(error != null ? error : new IllegalStateException(message));
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

    /** Waits until the pipeline stopped or failed. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Stops taking events, lets the event in progress finish, flushes offsets and closes the processor,
     * waiting at most {@code shutdown.timeout.ms}. Idempotent.
     */
    @Override
    public void close() {
        PipelineState current = state.get();
        if (current == PipelineState.STOPPING || (current.isFinal() && engine == null)) {
            awaitQuietly(config.shutdownTimeout());
            return;
        }
        if (!current.isFinal()) {
            state.set(PipelineState.STOPPING);
        }
        log.info("pipeline '{}' stopping (at most {} ms)", config.pipelineName(), config.shutdownTimeout().toMillis());
        if (dispatcher != null) {
            dispatcher.requestStop();
        }
        long started = System.nanoTime();
        if (engine != null && terminated.getCount() > 0) {
            try {
                engine.close();
            } catch (Exception e) {
                log.warn("engine close failed: {}", e.toString());
            }
            if (!awaitQuietly(config.shutdownTimeout())) {
                log.warn("pipeline '{}' did not stop within {} ms; abandoning the event in progress "
                        + "(it will be delivered again)", config.pipelineName(), config.shutdownTimeout().toMillis());
            }
        } else if (engine == null) {
            terminated.countDown();
        }
        engineThread.shutdownNow();
        releaseResources();
        state.compareAndSet(PipelineState.STOPPING, PipelineState.STOPPED);
        log.info("pipeline '{}' {} after {} ms: {} events processed", config.pipelineName(),
                state.get().name().toLowerCase(java.util.Locale.ROOT),
                Duration.ofNanos(System.nanoTime() - started).toMillis(), counters.processedCount());
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
