package io.cdcrunner.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.HdrHistogram.Histogram;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.cdcrunner.load.DemoWriter;
import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.config.ConfigException;
import io.cdcrunner.config.ConfigLoader;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.localdb.LocalServer;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.processor.ProcessorConfig;
import io.cdcrunner.processor.builtin.FamilyAggregateProcessor;
import io.cdcrunner.processor.builtin.FamilySettings;
import io.cdcrunner.visibility.VisibilityMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cdc-runner demo}: a throwaway MariaDB or MySQL, the daemon with the family aggregate processor, and a
 * writer inserting orders; prints whether every row was processed and every summary is exact. With {@code --celery}
 * the reader is a Celery task instead ({@link CeleryDemo}).
 */
@Command(name = "demo", description = "Run the daemon against a throwaway local MariaDB or MySQL with a demo writer.")
public final class DemoCommand implements Callable<Integer> {

    static final String PASSWORD = "demo-secret";
    /** How long the demo waits for the daemon to stream before it starts writing anyway. */
    private static final Duration STREAMING_TIMEOUT = Duration.ofSeconds(60);
    /** Latency is reported for the first seconds (JIT warm-up, connection pools filling) and after them. */
    private static final Duration WARM_UP = Duration.ofSeconds(5);

    @Option(names = "--config", paramLabel = "FILE",
            description = "Daemon configuration (source host/port/password are set by the demo). Default: "
                    + "config/demo.properties, config/demo-celery.properties with --celery")
    Path configFile;

    @Option(names = "--rows", description = "Rows to insert. Default: 30000, " + CeleryDemo.ROWS + " with --celery")
    Integer rows;

    @Option(names = "--families", description = "Distinct customers. Default: 500, " + CeleryDemo.FAMILIES
            + " with --celery")
    Integer families;

    @Option(names = "--writers", defaultValue = "4", description = "Concurrent writer connections. Default: ${DEFAULT-VALUE}")
    int writers;

    @Option(names = "--rate", description = "Inserts per second in total. Default: 2000, " + CeleryDemo.RATE
            + " with --celery")
    Integer rate;

    @Option(names = "--replica", description = "Also start a replica that applies each transaction late, and have "
            + "the processor read the families from it (processor.read.url).")
    boolean replica;

    @Option(names = "--replica-delay", paramLabel = "SECONDS", defaultValue = "1",
            description = "How late the replica applies transactions (MASTER_DELAY/SOURCE_DELAY). Default: "
                    + "${DEFAULT-VALUE}")
    int replicaDelay;

    @Option(names = "--celery", description = "Publish a Celery task per customer instead (CeleryTaskProcessor, "
            + "shop.tasks.read_it) to a local broker, run by a real Celery worker reading the replica (implies "
            + "--replica); the writer is SQLAlchemy's (writer.py).")
    boolean celery;

    @Option(names = "--broker", paramLabel = "redis|rabbitmq", defaultValue = "redis",
            description = "With --celery: the broker the demo starts. Default: ${DEFAULT-VALUE}")
    DemoBroker.Kind broker;

    @Option(names = "--flavor", paramLabel = "mariadb|mysql", defaultValue = "mariadb", converter = FlavorConverter.class,
            description = "Which throwaway server to start: mariadb (the Debian package) or mysql (MySQL 8.0, from "
                    + "the dev kit's Maven dependency). Default: ${DEFAULT-VALUE}")
    Flavor flavor;

    @Option(names = "--db", paramLabel = "HOST:PORT",
            description = "Use this existing, throwaway MySQL/MariaDB server (binlog ROW, GTIDs recommended) instead of "
                    + "starting a local server; the demo recreates shop.orders there. Root password from "
                    + "CDC_DEMO_ROOT_PASSWORD.")
    String externalDb;

    @Override
    public Integer call() throws Exception {
        applyModeDefaults();
        if (celery && externalDb != null) {
            System.err.println("--celery starts its own server, a replica of it, a broker and a Celery worker: it "
                    + "cannot run against --db. Install the MariaDB server (sudo apt-get install mariadb-server) "
                    + "or use DB=mysql.");
            return 2;
        }
        String missing = celery ? CeleryDemo.missingPrograms(broker) : null;
        if (missing != null) {
            System.err.println(missing);
            return 1;
        }
        if (externalDb != null) {
            return new ExternalDemoDatabase(externalDb, System.getenv().getOrDefault("CDC_DEMO_ROOT_PASSWORD", ""))
                    .run(this::runAgainst);
        }
        if (!flavor.isAvailable()) {
            System.err.println(flavor == Flavor.MARIADB
                    ? "The demo needs a local MariaDB server: install it (Debian/Ubuntu: sudo apt-get install "
                    + "mariadb-server) or run `make demo`, which installs it when run as root."
                    : "The demo's MySQL runs on Linux x86-64 only, from the dev kit's class path: run `make demo "
                    + "DB=mysql`.");
            return 1;
        }
        System.out.printf("Starting a throwaway %s with a binlog and GTIDs...%n", flavor);
        try (LocalServer db = flavor.builder().start()) {
            db.createCdcUser("cdc", PASSWORD);
            if (!celery) {
                // The Celery worker creates the shop app's own schema.
                db.execute("CREATE DATABASE shop");
                try (Connection c = db.rootConnection()) {
                    DemoWriter.createSchema(c, "shop.orders");
                }
            }
            Path state = Files.createTempDirectory("cdc-runner-demo-state-");
            if (!replica) {
                RunnerConfig config = loadConfig(db, null, state, Map.of());
                return config == null ? 2 : runDemo(db, config);
            }
            System.out.printf("Starting a replica that applies each transaction %d s late...%n", replicaDelay);
            try (LocalServer lagging = db.startReplica(db.serverId() + 1, replicaDelay)) {
                lagging.awaitCaughtUpWith(db, Duration.ofSeconds(60));
                if (celery) {
                    return new CeleryDemo(broker, rows, families, writers, rate)
                            .run(db, lagging, env -> loadConfig(db, lagging, state, env));
                }
                RunnerConfig config = loadConfig(db, lagging, state, Map.of());
                return config == null ? 2 : runDemo(db, config);
            }
        }
    }

    /** The sizes and configuration of the demo asked for, where the command line left them out. */
    private void applyModeDefaults() {
        replica |= celery;
        if (configFile == null) {
            configFile = Path.of(celery ? "config/demo-celery.properties" : "config/demo.properties");
        }
        if (rows == null) {
            rows = celery ? CeleryDemo.ROWS : 30_000;
        }
        if (families == null) {
            families = celery ? CeleryDemo.FAMILIES : 500;
        }
        if (rate == null) {
            rate = celery ? CeleryDemo.RATE : 2_000;
        }
    }

    /** The demo against a server someone else started: the cdc user and schema are set up by the caller. */
    private int runAgainst(ExternalDemoDatabase db) throws Exception {
        Path state = Files.createTempDirectory("cdc-runner-demo-state-");
        Map<String, String> env = demoEnvironment(db.host(), db.port(), state);
        RunnerConfig config;
        try {
            config = ConfigLoader.load(configFile, env, System.getProperties());
        } catch (ConfigException e) {
            System.err.println("Invalid demo configuration " + configFile + ":\n" + e.getMessage());
            return 2;
        }
        return runDemo(db.jdbcUrl("shop"), db.rootUser(), db.rootPassword(), config);
    }

    private Map<String, String> demoEnvironment(String host, int port, Path state) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("CDC_SOURCE_HOST", host);
        env.put("CDC_SOURCE_PORT", String.valueOf(port));
        env.put("CDC_SOURCE_PASSWORD", PASSWORD);
        env.put("CDC_STATE_DIR", state.toString());
        return env;
    }

    private RunnerConfig loadConfig(LocalServer db, LocalServer readReplica, Path state, Map<String, String> more) {
        Map<String, String> env = demoEnvironment(db.host(), db.port(), state);
        env.putAll(more);
        if (readReplica != null) {
            // The cdc user and the schema reached the replica through replication.
            env.put("CDC_PROCESSOR_READ_URL", readReplica.jdbcUrl("shop"));
        }
        try {
            return ConfigLoader.load(configFile, env, System.getProperties());
        } catch (ConfigException e) {
            System.err.println("Invalid demo configuration " + configFile + ":\n" + e.getMessage());
            return null;
        }
    }

    private int runDemo(LocalServer db, RunnerConfig config) throws Exception {
        return runDemo(db.jdbcUrl("shop"), "root", "", config);
    }

    private int runDemo(String writerUrl, String rootUser, String rootPassword, RunnerConfig config) throws Exception {
        FamilySettings family = FamilySettings.from(new ProcessorConfig(config.processor().options()));
        LatencyRecorder latency = new LatencyRecorder(family.table(), family.idColumn());
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(writerUrl);
        hikari.setUsername(rootUser);
        hikari.setPassword(rootPassword);
        hikari.setMaximumPoolSize(writers + 1 + config.delivery().threads());
        try (HikariDataSource writerPool = new HikariDataSource(hikari)) {
            StaleReadCheck staleReads = new StaleReadCheck(writerPool, family);
            try (Pipeline pipeline = Pipelines.create(config, (event, nanos) -> {
                latency.processed(event, nanos);
                staleReads.processed(event, nanos);
            })) {
                return writeAndReport(pipeline, writerPool, family, latency, staleReads);
            }
        }
    }

    private int writeAndReport(Pipeline pipeline, HikariDataSource writerPool, FamilySettings family,
                               LatencyRecorder latency, StaleReadCheck staleReads) throws Exception {
        double startSeconds = startStreaming(pipeline);
        System.out.printf("Daemon %s after %.1f s (%s). Writing %,d orders for %,d customers from %d connections at "
                        + "%,d/s...%n", pipeline.state().toString().toLowerCase(java.util.Locale.ROOT),
                startSeconds, pipeline.view().flavor(), rows, families, writers, rate);
        System.out.printf("Watch it from another terminal: java -jar cdc-runner/target/cdc-runner.jar status --pid %d%n",
                ProcessHandle.current().pid());
        DemoWriter writer = new DemoWriter(writerPool, family.database() + "." + family.table(),
                rows, families, writers, rate);
        Thread writing = new Thread(() -> {
            try {
                writer.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "demo-writers");
        long started = System.nanoTime();
        writing.start();
        boolean complete = awaitProcessing(writing, writer, latency, pipeline);
        double seconds = (System.nanoTime() - started) / 1e9;

        List<String> mismatches = FamilyAggregateProcessor.mismatches(writerPool, family);
        Histogram micros = latency.latencyMicros(writer.commitNanos());
        long warmEnd = started + WARM_UP.toNanos();
        Histogram warm = latency.latencyMicros(writer.commitNanos(), committed -> committed - warmEnd < 0);
        Histogram steady = latency.latencyMicros(writer.commitNanos(), committed -> committed - warmEnd >= 0);
        long missing = writer.commitNanos().keySet().stream().filter(id -> !latency.wasProcessed(id)).count();
        pipeline.close();

        System.out.printf("%n=== cdc-runner demo result ===%n");
        System.out.printf("rows written                 : %,d in %.1f s%n", writer.written(), seconds);
        System.out.printf("events processed             : %,d (distinct rows %,d, missing %,d)%n",
                pipeline.counters().processedCount(), latency.distinctProcessed(), missing);
        System.out.printf("summaries equal SQL recompute: %s (%,d families checked)%n",
                mismatches.isEmpty() ? "yes" : "NO", families);
        mismatches.stream().limit(10).forEach(m -> System.out.println("  mismatch: " + m));
        System.out.printf("commit-to-processed latency  : p50 %.1f ms, p99 %.1f ms, max %.1f ms (%,d samples)%n",
                micros.getValueAtPercentile(50) / 1000.0, micros.getValueAtPercentile(99) / 1000.0,
                micros.getMaxValue() / 1000.0, micros.getTotalCount());
        printPhase("  first 5 s (warm-up)", warm);
        printPhase("  after 5 s (steady) ", steady);
        staleReads.finish();
        System.out.printf("stale reads                  : %,d (summary checked after each of %,d events%s)%n", staleReads.stale(),
                staleReads.checked(), staleReads.failedChecks() == 0 ? ""
                        : ", " + staleReads.failedChecks() + " checks failed");
        printVisibility(pipeline.visibility());
        System.out.printf("pipeline state               : %s%n", pipeline.state());
        boolean ok = complete && missing == 0 && mismatches.isEmpty() && staleReads.stale() == 0
                && staleReads.failedChecks() == 0 && pipeline.state() == PipelineState.STOPPED;
        System.out.println(ok ? "DEMO OK" : "DEMO FAILED");
        return ok ? 0 : 1;
    }

    /**
     * Starts the pipeline, waits until it streams (or ends, or 60 s passed) and returns the seconds it took. As in
     * production, the daemon is reading the binlog before the application writes: the warm-up measured after it is
     * then the JIT's, not the engine's start-up.
     */
    static double startStreaming(Pipeline pipeline) throws InterruptedException {
        long starting = System.nanoTime();
        pipeline.start();
        long deadline = starting + STREAMING_TIMEOUT.toNanos();
        while (pipeline.state() != PipelineState.STREAMING && !pipeline.state().isFinal()
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return (System.nanoTime() - starting) / 1e9;
    }

    /** The visibility barrier's line of the result: how often and how long it waited for the read replica. */
    static void printVisibility(VisibilityMetrics barrier) {
        System.out.printf("read visibility              : %s, %,d waits, wait p50 %.1f ms, p99 %.1f ms, "
                        + "max %.1f ms, %,d timeouts%n", barrier.method(), barrier.waits(),
                barrier.waitMicrosAtPercentile(50) / 1000.0, barrier.waitMicrosAtPercentile(99) / 1000.0,
                barrier.maxWaitMicros() / 1000.0, barrier.timeouts());
    }

    private static void printPhase(String label, Histogram micros) {
        if (micros.getTotalCount() > 0) {
            System.out.printf("%s        : p50 %.1f ms, p99 %.1f ms, max %.1f ms (%,d samples)%n", label,
                    micros.getValueAtPercentile(50) / 1000.0, micros.getValueAtPercentile(99) / 1000.0,
                    micros.getMaxValue() / 1000.0, micros.getTotalCount());
        }
    }

    private boolean awaitProcessing(Thread writing, DemoWriter writer, LatencyRecorder latency, Pipeline pipeline)
            throws InterruptedException {
        long lastReport = 0;
        long deadline = Long.MAX_VALUE;
        while (true) {
            if (pipeline.state() == PipelineState.FAILED) {
                System.err.println("daemon failed: " + pipeline.failure().map(Throwable::getMessage).orElse("?"));
                return false;
            }
            if (!writing.isAlive()) {
                if (latency.distinctProcessed() >= writer.written()) {
                    return true;
                }
                if (deadline == Long.MAX_VALUE) {
                    deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                } else if (System.nanoTime() > deadline) {
                    System.err.println("timed out waiting for the daemon to process every row");
                    return false;
                }
            }
            if (System.nanoTime() - lastReport > 1_000_000_000L) {
                lastReport = System.nanoTime();
                System.out.printf("  written %,7d / %,d   processed %,7d   behind %,d%n", writer.written(), rows,
                        latency.distinctProcessed(), writer.written() - latency.distinctProcessed());
            }
            Thread.sleep(50);
        }
    }

    /** {@code --flavor mysql}, any case. */
    static final class FlavorConverter implements picocli.CommandLine.ITypeConverter<Flavor> {
        @Override
        public Flavor convert(String value) {
            return Flavor.of(value);
        }
    }
}
