package io.cdcrunner.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.delivery.ProcessedListener;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.state.StateDirectory;

/**
 * Child process of scenario 1: one engine (the daemon, or bare Debezium) and one paced writer in this JVM,
 * so commit and processing times come from one clock.
 *
 * <p>Start: the engine is started, then probe rows are written every 20 ms until one comes through; that
 * moment is t0. The writer then inserts at the rate for the warm-up phase (commits in the first
 * {@code warm.s} seconds after t0, JIT still compiling) and the steady phase (after it). Latency is
 * processed-time minus the time the writer's COMMIT returned; a row processed before its COMMIT call
 * returned counts as 0. Daemon keys can be added as {@code daemon.<key>=<value>} (scenario 4 points the
 * processor at a replica this way). Optional: {@code writers=N} connections sharing the schedule, {@code families=N}
 * (row {@code id} in family {@code id % N}, default 1000), {@code window.s=S} (the backlog and p99 per S seconds).
 */
public final class LatencyRun {

    private static final long PROBE_IDS = 1_000_000_000L;

    private final long[] commitNanos;
    private final long[] processedNanos;
    private final AtomicInteger processed = new AtomicInteger();
    private volatile long probeSeen;
    private long probes;
    private final Map<String, String> daemonKeys = new LinkedHashMap<>();
    private Pipeline pipeline;
    private String kafkaBootstrap;

    private LatencyRun(int rows) {
        commitNanos = new long[rows];
        processedNanos = new long[rows];
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        Map<String, Object> result = new LatencyRun(args.getInt("rate") * (args.getInt("warm.s") + args.getInt("steady.s")))
                .run(args);
        ChildOutput.write(Path.of(args.get("out")), result);
        System.exit(0);
    }

    private void onProcessed(long id, long nanoTime) {
        if (id >= PROBE_IDS) {
            probeSeen = nanoTime;
        } else if (id >= 0 && id < processedNanos.length && processedNanos[(int) id] == 0) {
            processedNanos[(int) id] = nanoTime;
            processed.incrementAndGet();
        }
    }

    private Map<String, Object> run(Args args) throws Exception {
        Source source = Source.from(args);
        args.values().forEach((key, value) -> {
            if (key.startsWith("daemon.")) {
                daemonKeys.put(key.substring("daemon.".length()), value);
            }
        });
        String mode = args.get("mode");
        kafkaBootstrap = args.get("kafka.bootstrap", "");
        String table = args.get("table");
        int rate = args.getInt("rate");
        int warmSeconds = args.getInt("warm.s");
        EngineTuning tuning = EngineTuning.from(args);
        StateDirectory state = new StateDirectory(Files.createDirectories(Path.of(args.get("state")))).create();

        long startedAt = System.nanoTime();
        AutoCloseable engine = startEngine(mode, source, table, state, tuning, args.getLong("server.id"));
        Map<String, Object> result = new LinkedHashMap<>();
        long t0;
        int writers = Integer.parseInt(args.get("writers", "1"));
        int families = Integer.parseInt(args.get("families", "1000"));
        try (Connection connection = source.connect()) {
            PacedWriter writer = new PacedWriter(connection, "bench." + table, families);
            t0 = awaitFirstEvent(writer);
            result.put("startup_ms", TimeUnit.NANOSECONDS.toMillis(t0 - startedAt));
            // To line the slowest rows up with JVM logs (-Xlog:gc, -Xlog:jit+compilation), which count uptime.
            result.put("t0_jvm_uptime_ms", java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime());
            long start = t0;
            if (writers == 1) {
                writer.run(commitNanos.length, rate, t0, commitNanos);
            } else {
                io.cdcrunner.load.ConcurrentWriters.run("paced-writer", writers, writers, (w, one) -> {
                    try (Connection own = source.connect()) {
                        new PacedWriter(own, "bench." + table, families).run(commitNanos.length, rate, start,
                                commitNanos, w, writers);
                    }
                });
            }
            long writerEnd = System.nanoTime();
            result.put("achieved_rate", Math.round(commitNanos.length * 1e9 / (writerEnd - t0)));
            long deadline = writerEnd + Duration.ofSeconds(30).toNanos();
            while (processed.get() < commitNanos.length && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        } finally {
            if (pipeline != null && daemonKeys.containsKey("processor.read.url")) {
                result.put("visibility", visibility());
            }
            engine.close();
        }
        // After close: the engine's threads are done writing processedNanos.
        summarize(result, t0 + TimeUnit.SECONDS.toNanos(warmSeconds));
        result.put("slowest", slowest(t0, 10));
        if (!args.get("window.s", "").isEmpty()) {
            result.put("windows", windows(t0, TimeUnit.SECONDS.toNanos(args.getInt("window.s"))));
        }
        return result;
    }

    /**
     * Per window of commit times from t0: the window's end (s after t0), the rows committed and processed by then,
     * the backlog between them, and the p99 latency of the window's rows. A backlog that does not grow from window to
     * window is a reader that keeps up.
     */
    private List<Map<String, Object>> windows(long t0, long width) {
        long[] commits = commitNanos.clone();
        long[] processedAt = processedNanos.clone();
        java.util.Arrays.sort(commits);
        java.util.Arrays.sort(processedAt);
        List<Map<String, Object>> windows = new ArrayList<>();
        long last = commits.length == 0 ? t0 : commits[commits.length - 1];
        for (long end = t0 + width; end - width <= last; end += width) {
            Histogram window = LatencyStats.newHistogram();
            for (int id = 0; id < commitNanos.length; id++) {
                if (commitNanos[id] > end - width && commitNanos[id] <= end && processedNanos[id] != 0) {
                    window.recordValue(Math.max(0, (processedNanos[id] - commitNanos[id]) / 1_000));
                }
            }
            long committed = countAtMost(commits, end);
            long done = countAtMost(processedAt, end);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("t_s", TimeUnit.NANOSECONDS.toSeconds(end - t0));
            row.put("committed", committed);
            row.put("processed", done);
            row.put("backlog", committed - done);
            row.put("p99_ms", window.getTotalCount() == 0 ? null : window.getValueAtPercentile(99) / 1000.0);
            windows.add(row);
        }
        return windows;
    }

    /** How many of the sorted times (0 for none yet) are at most {@code time}. */
    private static long countAtMost(long[] sorted, long time) {
        int from = 0;
        while (from < sorted.length && sorted[from] == 0) {
            from++;
        }
        int lo = from;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= time) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo - from;
    }

    private AutoCloseable startEngine(String mode, Source source, String table, StateDirectory state,
                                      EngineTuning tuning, long serverId) throws Exception {
        if (mode.equals("bare")) {
            BareEngine bare = new BareEngine(source, "bare", table, state, source.currentPosition(), tuning, serverId,
                    (BareEngine.RowSink) this::onProcessed);
            bare.start();
            return bare;
        }
        Map<String, String> keys = new LinkedHashMap<>(tuning.daemonKeys());
        keys.put("source.server.id", String.valueOf(serverId));
        keys.putAll(daemonKeys);
        ProcessedListener listener = (event, nanoTime) -> onProcessed(event.row().getLong("id"), nanoTime);
        if (mode.equals("kafka")) {
            // The change topics of a Connect connector the parent deployed for this table (scenario 6).
            keys.put("source.type", "kafka");
            keys.put("kafka.bootstrap.servers", kafkaBootstrap);
            keys.put("source.operations", "insert");
            keys.put("deadletter.store", "io.cdcrunner.deadletter.JdbcDeadLetterStore");
            pipeline = Pipelines.create(source.pipelineConfig("latency", table, state.root(),
                    keys), listener);
        } else {
            pipeline = Pipelines.create(source.pipelineConfig("latency", table, state.root(), keys), listener);
        }
        pipeline.start();
        return pipeline;
    }

    /** What the visibility barrier did (scenario 4), and what the replica reader found. */
    private Map<String, Object> visibility() {
        var metrics = pipeline.visibility();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("method", metrics.method());
        v.put("waits", metrics.waits());
        v.put("row_confirmations", metrics.rowConfirmations());
        v.put("events_covered_without_wait", metrics.eventsCovered());
        v.put("timeouts", metrics.timeouts());
        v.put("wait_p50_ms", metrics.waitMicrosAtPercentile(50) / 1000.0);
        v.put("wait_p99_ms", metrics.waitMicrosAtPercentile(99) / 1000.0);
        v.put("reader_reads", ReplicaRowReader.READS.get());
        v.put("reader_stale_reads", ReplicaRowReader.STALE.get());
        return v;
    }

    /** Writes a probe row every 20 ms until one is processed; returns the time it was. */
    private long awaitFirstEvent(PacedWriter writer) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        try (PreparedStatement insert = writer.prepare()) {
            for (long id = PROBE_IDS; probeSeen == 0; id++) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no event came through within 120 s of the engine start");
                }
                writer.insert(insert, id);
                probes++;
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
        return System.nanoTime();
    }

    /** The slowest rows as [ms after t0 their commit returned, latency ms]: shows when stalls happen. */
    private List<double[]> slowest(long t0, int count) {
        List<Integer> ids = new ArrayList<>();
        for (int id = 0; id < commitNanos.length; id++) {
            if (processedNanos[id] != 0) {
                ids.add(id);
            }
        }
        ids.sort(Comparator.comparingLong((Integer id) -> processedNanos[id] - commitNanos[id]).reversed());
        List<double[]> rows = new ArrayList<>();
        for (int id : ids.subList(0, Math.min(count, ids.size()))) {
            rows.add(new double[] {(commitNanos[id] - t0) / 1_000_000L, (processedNanos[id] - commitNanos[id]) / 1_000_000.0});
        }
        return rows;
    }

    private void summarize(Map<String, Object> result, long steadyFrom) {
        Histogram warm = LatencyStats.newHistogram();
        Histogram steady = LatencyStats.newHistogram();
        Histogram all = LatencyStats.newHistogram();
        int missing = 0;
        int beforeCommitReturned = 0;
        for (int id = 0; id < commitNanos.length; id++) {
            if (processedNanos[id] == 0) {
                missing++;
                continue;
            }
            long latency = processedNanos[id] - commitNanos[id];
            if (latency < 0) {
                beforeCommitReturned++;
            }
            (commitNanos[id] < steadyFrom ? warm : steady).recordValue(Math.max(0, latency / 1_000));
            all.recordValue(Math.max(0, latency / 1_000));
        }
        result.put("rows", commitNanos.length);
        result.put("probe_rows", probes);
        result.put("missing", missing);
        result.put("processed_before_commit_returned", beforeCommitReturned);
        result.put("warm", LatencyStats.summarize(warm));
        result.put("steady", LatencyStats.summarize(steady));
        result.put("all", LatencyStats.summarize(all));
    }
}
