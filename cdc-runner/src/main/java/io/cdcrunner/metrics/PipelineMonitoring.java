package io.cdcrunner.metrics;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.config.Redaction;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.delivery.DeliveryCounters;
import io.cdcrunner.delivery.ProcessedListener;
import io.cdcrunner.core.PipelineView;

/**
 * Makes one pipeline observable: its {@link PipelineMXBean} on the platform MBean server, the remote JMX connector
 * when {@code jmx.remote.port} is set, and the progress lines. {@link #start()} and {@link #close()} follow the
 * pipeline's own; a timer samples the counters once a second.
 */
public final class PipelineMonitoring implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PipelineMonitoring.class);
    /** The JMX domain of the daemon's own MBeans. */
    public static final String DOMAIN = "cdc.runner";
    private static final int PROGRESS_EVERY_TICKS = 10;
    /** Which monitoring's bean holds each name, so closing an old run never unregisters a newer run's bean. */
    private static final Map<ObjectName, PipelineMetrics> OWNERS = new ConcurrentHashMap<>();

    private final PipelineView pipeline;
    private final RunnerConfig config;
    private final Clock clock;
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final DebeziumMetrics debezium;
    private final EventTimings timings;
    private final SourceLag lag;
    private final ProgressSamples samples = new ProgressSamples();
    private final SourceConnection connection = new SourceConnection();
    private ScheduledExecutorService timer;
    private ObjectName registered;
    private PipelineMetrics registeredBean;
    private RemoteJmx remote;
    private ProgressLog progress;
    private long ticks;
    private boolean started;

    public PipelineMonitoring(PipelineView pipeline, RunnerConfig config) {
        this(pipeline, config, Clock.systemUTC());
    }

    PipelineMonitoring(PipelineView pipeline, RunnerConfig config, Clock clock) {
        this.pipeline = pipeline;
        this.config = config;
        this.clock = clock;
        this.debezium = new DebeziumMetrics(server, pipeline::flavor, config.pipelineName());
        this.timings = new EventTimings(clock);
        this.lag = new SourceLag(clock, () -> pipeline.source().backlog().map(backlog -> backlog > 0)
                .orElseGet(debezium::queueHasEvents));
    }

    /** The exact name of a pipeline's MBean: {@code cdc.runner:type=Pipeline,name=<pipeline.name>}. */
    public static ObjectName objectName(String pipelineName) {
        try {
            return new ObjectName(DOMAIN + ":type=Pipeline,name=" + quoteIfNeeded(pipelineName));
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("not usable in a JMX name: " + pipelineName, e);
        }
    }

    /** pipeline.name allows only [A-Za-z0-9_.-], which need no quoting; names from elsewhere might. */
    static String quoteIfNeeded(String value) {
        return value.matches("[A-Za-z0-9_.-]+") ? value : ObjectName.quote(value);
    }

    /** A listener that times each finished event, then tells {@code next}. */
    public ProcessedListener listener(ProcessedListener next) {
        return timings.then(next);
    }

    /** How long the source has been unreachable (or no engine ran) while it should be read; zero when it is read. */
    public java.time.Duration sourceDown() {
        return java.time.Duration.ofMillis(connection.downForMillis(clock.millis()));
    }

    /** Where the engine's batches report, for {@code MillisBehindSource}. */
    public SourceLag lag() {
        return lag;
    }

    /**
     * Registers the MBean, starts the remote connector if configured, and the timer.
     *
     * @throws IllegalStateException if the remote connector cannot start; the message names the fix
     */
    public synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        PipelineMetrics metrics = new PipelineMetrics(pipeline, timings, lag, samples, connection,
                Redaction.of(config), clock);
        // The first sample is the start itself, so events finished before the first tick count in the rate.
        samples.observe(clock.millis(), 0, 0);
        register(metrics);
        if (config.jmx().enabled()) {
            try {
                remote = RemoteJmx.start(config.jmx());
                log.info("remote JMX listening at {}", remote.address());
            } catch (IOException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        progress = new ProgressLog(config.pipelineName(), pipeline::state, timings::snapshotRows, metrics,
                new ProgressLog.SnapshotSource() {
                    @Override
                    public long estimatedRows() {
                        return SnapshotSize.estimate(config.source(), debezium.snapshotTables());
                    }

                    @Override
                    public boolean completed() {
                        return debezium.snapshotCompleted();
                    }
                }, clock);
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cdc-metrics-" + config.pipelineName());
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    private void register(PipelineMetrics metrics) {
        ObjectName name = objectName(config.pipelineName());
        try {
            server.registerMBean(metrics, name);
            owned(name, metrics);
        } catch (InstanceAlreadyExistsException e) {
            replaceIfEnded(metrics, name);
        } catch (JMException e) {
            log.warn("cannot register the JMX MBean {}: {}", name, e.toString());
        }
    }

    /** A stopped or failed pipeline of the same name (an earlier run in this JVM) gives way; a running one does not. */
    private void replaceIfEnded(PipelineMetrics metrics, ObjectName name) {
        try {
            Object state = server.getAttribute(name, "State");
            if ("STOPPED".equals(state) || "FAILED".equals(state)) {
                server.unregisterMBean(name);
                server.registerMBean(metrics, name);
                owned(name, metrics);
                return;
            }
        } catch (JMException e) {
            log.debug("cannot replace the MBean {}: {}", name, e.toString());
        }
        log.warn("another pipeline named '{}' runs in this JVM; JMX shows that one: give each pipeline its own "
                + "pipeline.name", config.pipelineName());
    }

    private void owned(ObjectName name, PipelineMetrics metrics) {
        registered = name;
        registeredBean = metrics;
        OWNERS.put(name, metrics);
    }

    private void tick() {
        try {
            timings.rotate();
            DeliveryCounters delivery = pipeline.counters().delivery();
            samples.observe(clock.millis(), PipelineMetrics.finished(delivery), delivery.failedAttempts());
            connection.observe(clock.millis(), pipeline.source().connected(), debezium.binlogConnected(),
                    pipeline.state());
            lag.sourceDown(connection.downForMillis(clock.millis()) > 0);
            if (++ticks % PROGRESS_EVERY_TICKS == 0) {
                progress.report();
            }
        } catch (RuntimeException e) {
            // A metrics glitch must never stop the timer (a scheduled task that throws is cancelled).
            log.debug("metrics update failed", e);
        }
    }

    /** Stops the timer and the remote connector and unregisters the MBean. Idempotent. */
    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
        if (remote != null) {
            remote.close();
            remote = null;
        }
        if (registered != null && OWNERS.remove(registered, registeredBean)) {
            try {
                server.unregisterMBean(registered);
            } catch (JMException e) {
                log.debug("MBean {} already gone", registered);
            }
        }
        registered = null;
        registeredBean = null;
    }
}
