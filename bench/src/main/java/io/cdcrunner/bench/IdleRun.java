package io.cdcrunner.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.config.RunnerKeys;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.state.StateDirectory;

/**
 * One idle measurement in its own JVM: the daemon (no-op processor) or bare Debezium starts, one probe row shows it
 * streams, then nothing is written for {@code idle.s} seconds and the process's CPU time over them is the figure.
 * Args: {@code mode} ({@code cdc}, {@code cdc-defaults}: the daemon with its default engine settings, or
 * {@code bare}), {@code table}, {@code state}, {@code server.id}, {@code idle.s}, the engine tuning and
 * {@code out}.
 */
public final class IdleRun {

    /** Probe ids start here, one per run (its server id added), so the runs share the table. */
    private static final long PROBE_IDS = 2_000_000_000L;
    /** After the probe: lets start-up work (JIT compilation, the first offset flushes) finish before measuring. */
    private static final long SETTLE_MS = 10_000;

    private volatile boolean probeSeen;
    private long probeId;

    private IdleRun() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        ChildOutput.write(Path.of(args.get("out")), new IdleRun().run(args));
        System.exit(0);
    }

    private Map<String, Object> run(Args args) throws Exception {
        Source source = Source.from(args);
        String mode = args.get("mode");
        String table = args.get("table");
        EngineTuning tuning = EngineTuning.from(args);
        probeId = PROBE_IDS + args.getLong("server.id");
        StateDirectory state = new StateDirectory(Files.createDirectories(Path.of(args.get("state")))).create();
        AutoCloseable engine;
        if (mode.equals("bare")) {
            BareEngine bare = new BareEngine(source, "idle-bare", table, state, source.currentPosition(), tuning,
                    args.getLong("server.id"), (id, nanoTime) -> probeSeen |= id == probeId);
            bare.start();
            engine = bare;
        } else {
            Map<String, String> keys = new LinkedHashMap<>(mode.equals("cdc") ? tuning.daemonKeys() : Map.of());
            keys.put("source.server.id", String.valueOf(args.getLong("server.id")));
            keys.put("processor.read.visibility", "off");
            if (mode.equals("cdc-defaults")) {
                keys.put("engine.poll.interval.ms", RunnerKeys.ENGINE_POLL_INTERVAL.defaultValue());
            }
            Pipeline pipeline = Pipelines.create(source.pipelineConfig("idle", table, state.root(), keys),
                    (event, nanoTime) -> probeSeen |= event.row().getLong("id") == probeId);
            pipeline.start();
            engine = pipeline;
        }
        Map<String, Object> result = new LinkedHashMap<>();
        try {
            try (Connection connection = source.connect();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO bench." + table
                         + " (id, customer_id, amount, note) VALUES (?, 1, 1.00, 'idle probe')")) {
                insert.setLong(1, probeId);
                insert.executeUpdate();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!probeSeen && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            if (!probeSeen) {
                throw new IllegalStateException("the probe row was not processed within 120 s");
            }
            Thread.sleep(SETTLE_MS);
            int idleSeconds = args.getInt("idle.s");
            CpuUsage cpu = new CpuUsage();
            Map<String, Long> threadsBefore = cpu.threadNanos();
            long began = System.nanoTime();
            Thread.sleep(TimeUnit.SECONDS.toMillis(idleSeconds));
            double wall = (System.nanoTime() - began) / 1e9;
            double seconds = cpu.processSeconds();
            result.put("idle_s", Math.round(wall * 10) / 10.0);
            result.put("cpu_s", Math.round(seconds * 1000) / 1000.0);
            result.put("cpu_percent_of_core", Math.round(seconds / wall * 1000) / 10.0);
            result.put("busiest_threads_cpu_s", busiest(threadsBefore, cpu.threadNanos()));
        } finally {
            engine.close();
        }
        return result;
    }

    /** The five threads that used the most CPU over the idle window, in seconds. */
    private static Map<String, Double> busiest(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> used = new TreeMap<>();
        after.forEach((name, nanos) -> used.put(name, nanos - before.getOrDefault(name, 0L)));
        Map<String, Double> top = new LinkedHashMap<>();
        used.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(5)
                .forEach(e -> top.put(e.getKey(), Math.round(e.getValue() / 1e6) / 1000.0));
        return top;
    }
}
