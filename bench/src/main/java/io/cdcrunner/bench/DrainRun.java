package io.cdcrunner.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.delivery.ProcessedListener;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.processor.builtin.DeliveryFigures;
import io.cdcrunner.processor.builtin.DeliveryFiguresMXBean;
import io.cdcrunner.source.ServerInfo.BinlogPosition;
import io.cdcrunner.binlog.OffsetSeeder;
import io.cdcrunner.state.StateDirectory;

/**
 * Child process of scenarios 2, 3 and 5: drains a backlog of {@code rows} changes of one table, committed
 * while nothing was reading, starting at a given binlog position (fresh state directory, seeded as on a first
 * start). Reports the time from the engine start and from the first event to the last event, and this JVM's
 * memory. {@code mode} is {@code cdc} (the daemon), {@code bare} (Debezium, Connect records) or
 * {@code bare-json} (Debezium, JSON records). Daemon keys are passed as {@code daemon.<key>=<value>}. A processor that
 * delivers messages (CeleryTaskProcessor, HttpProcessor) has its JMX figures reported under {@code delivery}.
 */
public final class DrainRun {

    private final long rows;
    private final AtomicLong seen = new AtomicLong();
    private final CountDownLatch allSeen = new CountDownLatch(1);
    private volatile long firstNanos;
    private volatile long lastNanos;

    private DrainRun(long rows) {
        this.rows = rows;
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        Map<String, Object> result = new DrainRun(args.getLong("rows")).run(args);
        ChildOutput.write(Path.of(args.get("out")), result);
        System.exit(0);
    }

    private void onEvents(int count, long nanoTime) {
        long before = seen.getAndAdd(count);
        if (before == 0) {
            firstNanos = nanoTime;
        }
        if (before < rows && before + count >= rows) {
            lastNanos = nanoTime;
            allSeen.countDown();
        }
    }

    private Map<String, Object> run(Args args) throws Exception {
        Source source = Source.from(args);
        String mode = args.get("mode");
        String table = args.get("table");
        String name = args.get("name");
        StateDirectory state = new StateDirectory(Files.createDirectories(Path.of(args.get("state")))).create();
        BinlogPosition start = new BinlogPosition(args.get("start.file"), args.getLong("start.pos"),
                args.get("start.gtid", "").isEmpty() ? null : args.get("start.gtid"));
        EngineTuning tuning = EngineTuning.from(args);

        Map<String, Object> result = new LinkedHashMap<>();
        try (MemorySampler memory = new MemorySampler()) {
            CpuUsage cpu = new CpuUsage();
            long startedAt = System.nanoTime();
            AutoCloseable engine = mode.startsWith("bare")
                    ? startBare(source, name, table, state, start, tuning, args.getLong("server.id"), mode.equals("bare-json"))
                    : startDaemon(source, name, table, state, start, tuning, args);
            // Until here the daemon prepared itself (probe, processor, dead-letter store) and submitted the engine.
            result.put("start_call_s", round((System.nanoTime() - startedAt) / 1e9));
            boolean complete;
            Map<String, Object> delivery = null;
            try {
                complete = allSeen.await(args.getLong("timeout.s"), TimeUnit.SECONDS);
                // Before the close: closing the processor unregisters its figures.
                delivery = deliveryFigures(name);
                result.put("cpu_s", round(cpu.processSeconds()));
                result.put("busiest_threads_cpu_s", cpu.busiestThreads(6));
            } finally {
                result.put("memory", memory.report());
                engine.close();
            }
            result.put("rows", rows);
            result.put("seen", seen.get());
            result.put("complete", complete);
            if (complete) {
                double total = (lastNanos - startedAt) / 1e9;
                double drain = (lastNanos - firstNanos) / 1e9;
                result.put("startup_s", round((firstNanos - startedAt) / 1e9));
                result.put("total_s", round(total));
                result.put("events_per_s_incl_startup", Math.round(rows / total));
                result.put("events_per_s_drain", Math.round(rows / drain));
                result.put("cpu_us_per_event", Math.round(((Number) result.get("cpu_s")).doubleValue() * 1e6 / rows));
                if (delivery != null) {
                    delivery.put("messages_per_s_drain",
                            Math.round(((Number) delivery.get("messages_confirmed")).longValue() / drain));
                }
            }
            if (delivery != null) {
                result.put("delivery", delivery);
            }
        }
        return result;
    }

    private AutoCloseable startBare(Source source, String name, String table, StateDirectory state,
                                    BinlogPosition start, EngineTuning tuning, long serverId, boolean json) {
        BareEngine bare = new BareEngine(source, name, table, state, start, tuning, serverId, json, this::onEvents);
        bare.start();
        return bare;
    }

    private AutoCloseable startDaemon(Source source, String name, String table, StateDirectory state,
                                      BinlogPosition start, EngineTuning tuning, Args args) {
        OffsetSeeder.seedIfAbsent(state, name, name, start.file(), start.position(), start.gtidSet());
        Map<String, String> keys = new LinkedHashMap<>(tuning.daemonKeys());
        keys.put("source.server.id", args.get("server.id"));
        args.values().forEach((key, value) -> {
            if (key.startsWith("daemon.")) {
                keys.put(key.substring("daemon.".length()), value);
            }
        });
        ProcessedListener listener = (event, nanoTime) -> onEvents(1, nanoTime);
        Pipeline pipeline = Pipelines.create(source.pipelineConfig(name, table, state.root(), keys), listener);
        pipeline.start();
        return pipeline;
    }

    /** The figures of the pipeline's delivering processor, or null when its processor registered none. */
    private static Map<String, Object> deliveryFigures(String pipeline) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = DeliveryFigures.objectName(pipeline);
        if (!server.isRegistered(name)) {
            return null;
        }
        DeliveryFiguresMXBean figures = JMX.newMXBeanProxy(server, name, DeliveryFiguresMXBean.class);
        Map<String, Object> delivery = new LinkedHashMap<>();
        delivery.put("target", figures.getTarget());
        delivery.put("messages_published", figures.getMessagesPublished());
        delivery.put("messages_confirmed", figures.getMessagesConfirmed());
        delivery.put("messages_refused", figures.getMessagesRefused());
        delivery.put("target_unavailable", figures.getTargetUnavailable());
        delivery.put("events_delivered", figures.getEventsDelivered());
        delivery.put("round_trip_mean_ms", Math.round(figures.getRoundTripMeanMillis() * 1000) / 1000.0);
        delivery.put("round_trip_max_ms", Math.round(figures.getRoundTripMaxMillis() * 1000) / 1000.0);
        return delivery;
    }

    private static double round(double seconds) {
        return Math.round(seconds * 100) / 100.0;
    }
}
