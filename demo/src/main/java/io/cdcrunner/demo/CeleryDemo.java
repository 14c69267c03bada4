package io.cdcrunner.demo;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import javax.management.JMX;

import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.brokers.CeleryWorker;
import io.cdcrunner.brokers.ShopApp;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.localdb.LocalServer;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.processor.ProcessorConfig;
import io.cdcrunner.processor.builtin.DeliveryFigures;
import io.cdcrunner.processor.builtin.DeliveryFiguresMXBean;

/**
 * {@code demo --celery}: the original problem with the reader left in Python. {@code writer.py} (SQLAlchemy) inserts
 * orders; the daemon publishes {@code shop.tasks.read_it(customer_id)} through {@code CeleryTaskProcessor} to a
 * local Redis or RabbitMQ; a stock Celery worker runs it, reading the customer's orders from a replica that applies
 * each transaction late and writing {@code shop.customer_summary} on the primary. Prints the rows written, the tasks
 * run and the rows each covered, the stale reads (tasks that did not see the rows that triggered them) and whether
 * every summary equals a SQL recomputation.
 */
final class CeleryDemo {

    static final int ROWS = 3_000;
    static final int FAMILIES = 300;
    static final int RATE = 200;
    private static final int WORKER_PROCESSES = 3;
    /** After the writer finished, how long the daemon and the worker get to catch up before the demo gives up. */
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(60);

    /** Loads the demo's configuration with these {@code CDC_*} variables added (the broker's URL). */
    interface ConfigSource {
        RunnerConfig load(Map<String, String> env);
    }

    private final DemoBroker.Kind brokerKind;
    private final int rows;
    private final int families;
    private final int writers;
    private final int rate;

    CeleryDemo(DemoBroker.Kind brokerKind, int rows, int families, int writers, int rate) {
        this.brokerKind = brokerKind;
        this.rows = rows;
        this.families = families;
        this.writers = writers;
        this.rate = rate;
    }

    /** What this machine lacks for the Celery demo, as a message saying what to install; null when nothing. */
    static String missingPrograms(DemoBroker.Kind broker) {
        List<String> packages = new ArrayList<>();
        if (!broker.isAvailable()) {
            packages.add(broker.debianPackage());
        }
        if (!CeleryWorker.available()) {
            packages.addAll(List.of("python3-celery", "python3-redis", "python3-sqlalchemy", "python3-pymysql"));
        }
        return packages.isEmpty() ? null : "The Celery demo needs " + String.join(", ", packages) + ": run it with "
                + "`make demo DEMO_ARGS=\"--celery\"`, which installs them when run as root, or sudo apt-get install "
                + String.join(" ", packages);
    }

    int run(LocalServer primary, LocalServer replica, ConfigSource configs) throws Exception {
        Path work = Files.createTempDirectory("cdc-runner-demo-celery-");
        System.out.printf("Starting a local %s...%n", brokerKind.label());
        try (DemoBroker broker = brokerKind.start()) {
            RunnerConfig config = configs.load(Map.of("CDC_PROCESSOR_CELERY_BROKER_URL", broker.url()));
            if (config == null) {
                return 2;
            }
            String queue = new ProcessorConfig(config.processor().options()).get("celery.queue", "celery");
            ShopApp app = ShopApp.extractTo(work.resolve("shop"));
            Map<String, String> env = new HashMap<>(ShopApp.brokerEnvironment(broker.url(), null));
            env.put(ShopApp.READ_URL, ShopApp.sqlalchemyUrl(replica));
            env.put(ShopApp.WRITE_URL, ShopApp.sqlalchemyUrl(primary));
            System.out.printf("Starting a Celery worker (%d processes) consuming queue %s...%n", WORKER_PROCESSES,
                    queue);
            try (CeleryWorker worker = CeleryWorker.start(app, queue, WORKER_PROCESSES, env)) {
                // The worker created the shop schema on the primary before it said it was ready; the daemon's
                // barrier reads the replica's copy.
                replica.awaitCaughtUpWith(primary, Duration.ofSeconds(60));
                LatencyRecorder processed = new LatencyRecorder("orders", "id");
                try (Pipeline pipeline = Pipelines.create(config, processed)) {
                    int code = writeAndReport(pipeline, config, primary, app, broker, queue, processed);
                    System.out.println("worker log                   : " + worker.logFile());
                    System.out.println(code == 0 ? "DEMO OK" : "DEMO FAILED");
                    return code;
                }
            }
        }
    }

    @SuppressWarnings("checkstyle:ParameterNumber")
    private int writeAndReport(Pipeline pipeline, RunnerConfig config, LocalServer primary, ShopApp app,
                               DemoBroker broker, String queue, LatencyRecorder processed) throws Exception {
        double startSeconds = DemoCommand.startStreaming(pipeline);
        System.out.printf("Daemon %s after %.1f s. writer.py (SQLAlchemy) inserting %,d orders for %,d customers from "
                        + "%d threads at %,d/s...%n", pipeline.state().toString().toLowerCase(java.util.Locale.ROOT),
                startSeconds, rows, families, writers, rate);
        DeliveryFiguresMXBean tasks = JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(),
                DeliveryFigures.objectName(config.pipelineName()), DeliveryFiguresMXBean.class);
        long started = System.nanoTime();
        CompletableFuture<String> writer = CompletableFuture.supplyAsync(() -> app.writeOrders(
                ShopApp.sqlalchemyUrl(primary), families, rows, writers, rate));
        Settled settled = awaitSettled(pipeline, primary, writer, processed, tasks, broker, queue);
        double seconds = (System.nanoTime() - started) / 1e9;

        long written = count(primary, "SELECT COUNT(*) FROM shop.orders");
        long customers = count(primary, "SELECT COUNT(DISTINCT customer_id) FROM shop.orders");
        long tasksRun = count(primary, "SELECT COUNT(*) FROM shop.task_runs");
        long stale = count(primary, "SELECT COUNT(*) FROM shop.task_runs WHERE stale");
        List<String> mismatches = mismatches(primary);
        long confirmed = tasks.getMessagesConfirmed();
        long refused = tasks.getMessagesRefused();
        long missing = written - processed.distinctProcessed();
        pipeline.close();

        System.out.printf("%n=== cdc-runner demo result (Celery, %s) ===%n", brokerKind.label());
        System.out.printf("rows written                 : %,d in %.1f s (writer.py, %d threads)%n", written, seconds,
                writers);
        System.out.printf("events processed             : %,d (distinct rows %,d, missing %,d)%n",
                pipeline.counters().processedCount(), processed.distinctProcessed(), missing);
        System.out.printf("tasks published              : %,d confirmed by %s (queue %s), %,d refused%n", confirmed,
                brokerKind.label(), queue, refused);
        System.out.printf("tasks run                    : %,d (shop.task_runs)%n", tasksRun);
        System.out.printf("rows per task                : %.2f (one task per customer per batch)%n",
                written / (double) Math.max(1, tasksRun));
        System.out.printf("stale reads                  : %,d (tasks whose replica read lacked the rows that "
                + "triggered them)%n", stale);
        System.out.printf("summaries equal SQL recompute: %s (%,d customers checked)%n",
                mismatches.isEmpty() ? "yes" : "NO", customers);
        mismatches.stream().limit(10).forEach(m -> System.out.println("  mismatch: " + m));
        DemoCommand.printVisibility(pipeline.visibility());
        System.out.printf("pipeline state               : %s%n", pipeline.state());
        if (settled.problem() != null) {
            System.err.println(settled.problem());
        }
        boolean ok = settled.problem() == null && missing == 0 && mismatches.isEmpty() && stale == 0
                && tasksRun > 0 && pipeline.state() == PipelineState.STOPPED;
        return ok ? 0 : 1;
    }

    /** Why the run did not settle, or null: every row processed, every summary equal to SQL, every task run. */
    private record Settled(String problem) {
    }

    @SuppressWarnings("checkstyle:ParameterNumber")
    private Settled awaitSettled(Pipeline pipeline, LocalServer primary, CompletableFuture<String> writer,
                                 LatencyRecorder processed, DeliveryFiguresMXBean tasks, DemoBroker broker,
                                 String queue) throws Exception {
        long lastReport = 0;
        long deadline = Long.MAX_VALUE;
        while (true) {
            if (pipeline.state() == PipelineState.FAILED) {
                return new Settled("daemon failed: " + pipeline.failure().map(Throwable::getMessage).orElse("?"));
            }
            if (writer.isCompletedExceptionally()) {
                return new Settled("writer.py failed: " + writer.handle((ok, e) -> e.getMessage()).join());
            }
            long written = count(primary, "SELECT COUNT(*) FROM shop.orders");
            long tasksRun = count(primary, "SELECT COUNT(*) FROM shop.task_runs");
            if (writer.isDone()) {
                // Every row reached the daemon, every task the broker confirmed ran (a task id runs once), and what
                // the last of them wrote is every customer's true summary.
                if (processed.distinctProcessed() >= written && tasksRun >= tasks.getMessagesConfirmed()
                        && mismatches(primary).isEmpty()) {
                    return new Settled(null);
                }
                if (deadline == Long.MAX_VALUE) {
                    deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
                } else if (System.nanoTime() > deadline) {
                    return new Settled("timed out after " + SETTLE_TIMEOUT.toSeconds() + " s waiting for the daemon "
                            + "and the worker to catch up with the writer");
                }
            }
            if (System.nanoTime() - lastReport > 1_000_000_000L) {
                lastReport = System.nanoTime();
                System.out.printf("  written %,6d / %,d   processed %,6d   tasks published %,6d   queued %,4d   "
                                + "run %,6d%n", written, rows, processed.distinctProcessed(),
                        tasks.getMessagesConfirmed(), broker.queued(queue), tasksRun);
            }
            Thread.sleep(100);
        }
    }

    /** Customers whose summary is missing or differs from a recomputation of their orders on the primary. */
    private static List<String> mismatches(LocalServer primary) throws SQLException {
        List<String> differing = new ArrayList<>();
        try (Connection c = primary.rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT o.customer_id, o.n, o.total, o.top, m.order_count, m.amount_sum, "
                     + "m.max_id FROM (SELECT customer_id, COUNT(*) AS n, SUM(amount) AS total, MAX(id) AS top "
                     + "FROM shop.orders GROUP BY customer_id) o LEFT JOIN shop.customer_summary m "
                     + "ON m.customer_id = o.customer_id WHERE m.customer_id IS NULL OR m.order_count <> o.n "
                     + "OR m.amount_sum <> o.total OR NOT (m.max_id <=> o.top) ORDER BY o.customer_id")) {
            while (rs.next()) {
                differing.add(String.format("customer %d: %s instead of %d orders, %s, last id %d", rs.getInt(1),
                        rs.getObject(5) == null ? "no summary" : rs.getLong(5) + " orders, " + rs.getBigDecimal(6)
                                + ", last id " + rs.getLong(7), rs.getLong(2), rs.getBigDecimal(3), rs.getLong(4)));
            }
        }
        return differing;
    }

    private static long count(LocalServer server, String sql) throws SQLException {
        try (Connection c = server.rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
