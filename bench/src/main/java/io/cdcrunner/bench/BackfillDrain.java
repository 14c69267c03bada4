package io.cdcrunner.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

import javax.management.JMX;

import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.binlog.backfill.BackfillMXBean;
import io.cdcrunner.binlog.backfill.Backfills;
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.delivery.ProcessedListener;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.state.StateDirectory;

/**
 * Child process of the backfill scenario: the daemon in this JVM reads the {@code rows} rows of one table, either as
 * the initial snapshot of a first start ({@code mode=snapshot}: {@code source.start=snapshot}, fresh state) or as a
 * backfill asked for while it streams ({@code mode=backfill}: a first start at the binlog's end, then
 * {@code startBackfill} through the platform MBean server, as {@code cdc-runner snapshot} asks over JMX).
 *
 * <p>Before a backfill is asked for, one row is committed to {@code marker} (a captured table of its own) and the
 * daemon waits until it was processed: the engine has then streamed a transaction. Without one, the engine's
 * read-only incremental snapshot closes a chunk's window only at a server heartbeat (one chunk per heartbeat, about
 * 2.4 s on an idle server); the first chunk's window still closes only at the next heartbeat or transaction. With
 * {@code writer.rate} above 0 a paced writer also inserts single rows into {@code writer.table} (not captured), as an
 * application would go on writing: from the first backfilled row on ({@code writer.from=first-row}, the default), or
 * from 0.2 s before the request ({@code writer.from=request}), when the engine's binlog thread closes windows while its
 * signal thread reads the first chunk (see the scenario's notes).
 *
 * <p>Reports: for a snapshot the time from the pipeline's start and from its first event to the last row; for a
 * backfill the time from the request and from the first backfilled row to the last one processed, and until the
 * MBean says COMPLETED, with its rows and chunks, the backfilled rows per second of each second since the request,
 * and what {@link CountingFamilyProcessor} counted. Daemon keys are passed as {@code daemon.<key>=<value>}.
 */
public final class BackfillDrain {

    private final long rows;
    private final String table;
    private final String marker;
    private final AtomicLong seen = new AtomicLong();
    private final AtomicLong otherEvents = new AtomicLong();
    private final CountDownLatch allSeen = new CountDownLatch(1);
    private final CountDownLatch markerSeen = new CountDownLatch(1);
    private final AtomicLongArray perSecond = new AtomicLongArray(3_600);
    /** Times each id (1..rows) came, to tell rows missing or delivered twice from a count that merely adds up. */
    private final java.util.concurrent.atomic.AtomicIntegerArray perId;
    private volatile long firstNanos;
    private volatile long lastNanos;
    /** When counting backfilled rows per second began: the request. */
    private volatile long originNanos;
    private final boolean backfill;

    private BackfillDrain(long rows, String table, String marker, boolean backfill) {
        this.rows = rows;
        this.table = table;
        this.marker = marker;
        this.backfill = backfill;
        this.perId = new java.util.concurrent.atomic.AtomicIntegerArray((int) rows + 1);
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        String mode = args.get("mode");
        Map<String, Object> result = new BackfillDrain(args.getLong("rows"), args.get("table"),
                args.get("marker", ""), mode.equals("backfill")).run(args);
        ChildOutput.write(Path.of(args.get("out")), result);
        System.exit(0);
    }

    private void onProcessed(ChangeEvent event, long nanoTime) {
        if (!event.table().equals(table)) {
            if (event.table().equals(marker)) {
                markerSeen.countDown();
            }
            otherEvents.incrementAndGet();
            return;
        }
        if (backfill && !event.isBackfill()) {
            otherEvents.incrementAndGet();
            return;
        }
        Object id = event.after().get("id");
        if (id instanceof Number n && n.longValue() >= 1 && n.longValue() <= rows) {
            perId.incrementAndGet((int) n.longValue());
        }
        long before = seen.getAndIncrement();
        if (before == 0) {
            firstNanos = nanoTime;
        }
        if (originNanos != 0) {
            int second = (int) Math.min(perSecond.length() - 1, Math.max(0, (nanoTime - originNanos) / 1_000_000_000L));
            perSecond.incrementAndGet(second);
        }
        if (before + 1 == rows) {
            lastNanos = nanoTime;
            allSeen.countDown();
        }
    }

    private Map<String, Object> run(Args args) throws Exception {
        Source source = Source.from(args);
        String name = args.get("name");
        StateDirectory state = new StateDirectory(Files.createDirectories(Path.of(args.get("state")))).create();
        EngineTuning tuning = EngineTuning.from(args);
        MAX_BATCH_HALF.set(Math.max(1, tuning.maxBatchSize() / 2));
        Map<String, String> keys = new LinkedHashMap<>(tuning.daemonKeys());
        keys.put("source.server.id", args.get("server.id"));
        args.values().forEach((key, value) -> {
            if (key.startsWith("daemon.")) {
                keys.put(key.substring("daemon.".length()), value);
            }
        });
        long timeoutNanos = TimeUnit.SECONDS.toNanos(args.getLong("timeout.s"));
        Map<String, Object> result = new LinkedHashMap<>();
        ProcessedListener listener = this::onProcessed;
        try (MemorySampler memory = new MemorySampler()) {
            CpuUsage cpu = new CpuUsage();
            long startedAt = System.nanoTime();
            Pipeline pipeline = Pipelines.create(source.pipelineConfig(name, table, state.root(), keys), listener);
            try {
                pipeline.start();
                if (backfill) {
                    runBackfill(args, source, name, pipeline, startedAt, timeoutNanos, result);
                } else {
                    long deadline = startedAt + timeoutNanos;
                    while (allSeen.getCount() > 0 && !pipeline.state().isFinal() && System.nanoTime() < deadline) {
                        allSeen.await(20, TimeUnit.MILLISECONDS);
                    }
                    boolean complete = allSeen.getCount() == 0;
                    result.put("complete", complete);
                    if (!complete) {
                        result.put("problem", pipeline.state().isFinal() ? "the pipeline ended: " + pipeline.state()
                                : "timed out after " + args.get("timeout.s") + " s");
                    }
                    if (complete) {
                        result.put("startup_s", seconds(firstNanos - startedAt));
                        result.put("total_s", seconds(lastNanos - startedAt));
                        result.put("rows_per_s_incl_startup", Math.round(rows / ((lastNanos - startedAt) / 1e9)));
                        result.put("rows_per_s_drain", Math.round(rows / ((lastNanos - firstNanos) / 1e9)));
                    }
                }
                result.put("pipeline_state", pipeline.state().name());
                pipeline.failure().ifPresent(f -> result.put("pipeline_failure", f.toString()));
                result.put("cpu_s", seconds((long) (cpu.processSeconds() * 1e9)));
                result.put("busiest_threads_cpu_s", cpu.busiestThreads(6));
            } finally {
                result.put("memory", memory.report());
                pipeline.close();
            }
        }
        result.put("rows", rows);
        result.put("seen", seen.get());
        result.put("other_events", otherEvents.get());
        long missing = 0;
        long twice = 0;
        for (int i = 1; i < perId.length(); i++) {
            int times = perId.get(i);
            missing += times == 0 ? 1 : 0;
            twice += Math.max(0, times - 1);
        }
        result.put("ids_missing", missing);
        result.put("ids_delivered_again", twice);
        result.put("family_computations", CountingFamilyProcessor.FAMILY_COMPUTATIONS.get());
        result.put("family_rows", CountingFamilyProcessor.FAMILY_ROWS.get());
        result.put("processor_calls", CountingFamilyProcessor.CALLS.get());
        result.put("processor_groups", CountingFamilyProcessor.GROUPS.get());
        return result;
    }

    private void runBackfill(Args args, Source source, String name, Pipeline pipeline, long startedAt,
                             long timeoutNanos, Map<String, Object> result) throws Exception {
        long deadline = startedAt + timeoutNanos;
        while (pipeline.state() != PipelineState.STREAMING && !pipeline.state().isFinal()
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        result.put("streaming_after_s", seconds(System.nanoTime() - startedAt));
        if (pipeline.state() != PipelineState.STREAMING) {
            result.put("complete", false);
            result.put("problem", "the pipeline is " + pipeline.state() + ", not streaming");
            return;
        }
        boolean withMarker = !marker.isEmpty();
        if (withMarker) {
            // One small transaction the engine streams before the request (see the class documentation).
            long markerAt = System.nanoTime();
            try (Connection c = source.connect(); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO " + Source.DATABASE + "." + marker
                        + " (id, customer_id, amount, note) VALUES (" + args.getLong("marker.id") + ", 0, 0, 'marker')");
            }
            if (!markerSeen.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                result.put("complete", false);
                result.put("problem", "the marker row was not processed");
                return;
            }
            result.put("marker_processed_ms", Math.round((System.nanoTime() - markerAt) / 1e6));
        }
        BackfillMXBean bean = JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(),
                Backfills.objectName(name), BackfillMXBean.class);
        int writerRate = Integer.parseInt(args.get("writer.rate", "0"));
        boolean writerFromRequest = args.get("writer.from", "first-row").equals("request");
        Writer writer = writerRate > 0 ? new Writer(source, args.get("writer.table"), writerRate) : null;
        if (writer != null && writerFromRequest) {
            writer.start();
            // Its first commits before the request: the engine streams transactions all along.
            Thread.sleep(200);
        }
        Sampler sampler = new Sampler(pipeline);
        sampler.start();
        long requestedAt = System.nanoTime();
        originNanos = requestedAt;
        String answer;
        try {
            answer = bean.startBackfill(Source.DATABASE + "." + table, "");
        } catch (RuntimeException e) {
            sampler.stop();
            if (writer != null && writerFromRequest) {
                writer.stop();
            }
            result.put("complete", false);
            result.put("problem", "startBackfill refused: " + e.getMessage());
            return;
        }
        result.put("answer", answer);
        // Until every row came, the backfill ended, the pipeline ended, or the time is up.
        String stateName = "";
        boolean writerStarted = writer != null && writerFromRequest;
        while (System.nanoTime() < deadline && !pipeline.state().isFinal()) {
            if (writer != null && !writerStarted && seen.get() > 0) {
                writer.start();
                writerStarted = true;
            }
            stateName = backfillState(bean);
            if (allSeen.getCount() == 0 && (stateName.equals("COMPLETED") || stateName.equals("FAILED")
                    || stateName.equals("STOPPED"))) {
                break;
            }
            if (allSeen.getCount() > 0 && (stateName.equals("FAILED") || stateName.equals("STOPPED"))) {
                break;
            }
            Thread.sleep(10);
        }
        boolean rowsComplete = allSeen.getCount() == 0;
        long endedAt = System.nanoTime();
        result.put("batches", sampler.stop());
        if (writerStarted) {
            result.put("writer", writer.stop());
            result.put("writer_from", writerFromRequest ? "0.2 s before the request" : "the first backfilled row");
        }
        result.put("backfill_state", stateName);
        if (pipeline.state().isFinal()) {
            result.put("problem", "the pipeline ended: " + pipeline.state()
                    + pipeline.failure().map(f -> " (" + f + ")").orElse(""));
        } else if (!rowsComplete || !stateName.equals("COMPLETED")) {
            result.put("problem", "timed out after " + args.get("timeout.s") + " s");
        }
        try {
            result.put("run_id", bean.getRunId());
            result.put("rows_delivered", bean.getRowsDelivered());
            result.put("chunks_read", bean.getChunksRead());
            result.put("tables", List.of(bean.getTables()));
            result.put("problems", List.of(bean.getProblems()));
            result.put("recent_runs", List.of(bean.getRecentRuns()));
        } catch (RuntimeException e) {
            result.put("mbean", "gone: " + e);
        }
        boolean complete = rowsComplete && stateName.equals("COMPLETED");
        result.put("complete", complete);
        result.put("rows_complete", rowsComplete);
        if (seen.get() > 0) {
            result.put("first_row_after_request_s", seconds(firstNanos - requestedAt));
        }
        if (rowsComplete) {
            result.put("last_row_after_request_s", seconds(lastNanos - requestedAt));
            result.put("rows_per_s_from_request", Math.round(rows / ((lastNanos - requestedAt) / 1e9)));
            result.put("rows_per_s_drain", Math.round(rows / ((lastNanos - firstNanos) / 1e9)));
        }
        if (stateName.equals("COMPLETED")) {
            result.put("completed_after_request_s", seconds(endedAt - requestedAt));
        }
        int lastSecond = (int) Math.min(perSecond.length() - 1, (Math.max(lastNanos, endedAt) - requestedAt) / 1_000_000_000L);
        List<Long> timeline = new ArrayList<>();
        for (int i = 0; i <= lastSecond; i++) {
            timeline.add(perSecond.get(i));
        }
        result.put("rows_per_second_since_request", timeline);
    }

    /**
     * Watches the batches the daemon takes during the backfill, from its received count (the dispatcher adds a batch's
     * events at once), read every millisecond: a batch handed over less than a millisecond after the one before is
     * counted with it, so the sizes are upper bounds and the count a lower bound. Also the fill of the engine's queue
     * (the connector's streaming metrics), every 10 ms: a queue that stays low means the backfill's reading, not the
     * processor, sets the pace, and batches stay smaller than engine.max.batch.size.
     */
    private static final class Sampler {
        private final Pipeline pipeline;
        private final List<Long> sizes = new ArrayList<>();
        private volatile boolean stop;
        private Thread thread;
        private long queueSamples;
        private long queueFillSum;
        private long queueFillMax;
        private long queueTotal = -1;
        private String queueMBean;

        Sampler(Pipeline pipeline) {
            this.pipeline = pipeline;
        }

        void start() {
            thread = new Thread(this::run, "bench-batch-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            javax.management.MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            javax.management.ObjectName queue = null;
            try {
                java.util.Set<javax.management.ObjectName> found = server.queryNames(
                        new javax.management.ObjectName("debezium.*:type=connector-metrics,context=streaming,*"), null);
                if (!found.isEmpty()) {
                    queue = found.iterator().next();
                    queueMBean = queue.toString();
                }
            } catch (Exception e) {
                queueMBean = "none: " + e;
            }
            long last = pipeline.counters().receivedCount();
            long pending = 0;
            int tick = 0;
            while (!stop) {
                long now = pipeline.counters().receivedCount();
                if (now != last) {
                    pending += now - last;
                    last = now;
                } else if (pending > 0) {
                    synchronized (sizes) {
                        sizes.add(pending);
                    }
                    pending = 0;
                }
                if (queue != null && tick++ % 10 == 0) {
                    try {
                        long remaining = ((Number) server.getAttribute(queue, "QueueRemainingCapacity")).longValue();
                        if (queueTotal < 0) {
                            queueTotal = ((Number) server.getAttribute(queue, "QueueTotalCapacity")).longValue();
                        }
                        long fill = queueTotal - remaining;
                        queueSamples++;
                        queueFillSum += fill;
                        queueFillMax = Math.max(queueFillMax, fill);
                    } catch (Exception e) {
                        queue = null;
                    }
                }
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            if (pending > 0) {
                synchronized (sizes) {
                    sizes.add(pending);
                }
            }
        }

        Map<String, Object> stop() throws InterruptedException {
            stop = true;
            thread.join(2_000);
            Map<String, Object> figures = new LinkedHashMap<>();
            synchronized (sizes) {
                long total = sizes.stream().mapToLong(Long::longValue).sum();
                figures.put("batches_seen", sizes.size());
                figures.put("events", total);
                figures.put("mean_size", sizes.isEmpty() ? 0 : Math.round((double) total / sizes.size()));
                figures.put("largest", sizes.stream().mapToLong(Long::longValue).max().orElse(0));
                figures.put("at_least_half_of_max_batch", sizes.stream().filter(n -> n >= MAX_BATCH_HALF.get()).count());
            }
            figures.put("queue_mbean", queueMBean);
            figures.put("queue_total", queueTotal);
            figures.put("queue_fill_mean", queueSamples == 0 ? -1 : Math.round((double) queueFillSum / queueSamples));
            figures.put("queue_fill_max", queueFillMax);
            return figures;
        }
    }

    /** Half of engine.max.batch.size, for counting batches near full. */
    private static final AtomicLong MAX_BATCH_HALF = new AtomicLong(Long.MAX_VALUE);

    /** The MBean's state, or what became of it once the pipeline unregistered it. */
    private static String backfillState(BackfillMXBean bean) {
        try {
            return bean.getState();
        } catch (RuntimeException e) {
            return "NO MBEAN";
        }
    }

    /** Single-row autocommit inserts at a fixed rate into a table the pipeline does not capture. */
    private static final class Writer {
        private final Source source;
        private final String table;
        private final int rate;
        private final AtomicLong written = new AtomicLong();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile boolean stop;
        private Thread thread;
        private long startedAt;

        Writer(Source source, String table, int rate) {
            this.source = source;
            this.table = table;
            this.rate = rate;
        }

        void start() {
            startedAt = System.nanoTime();
            thread = new Thread(() -> {
                try (Connection c = source.connect()) {
                    PacedWriter writer = new PacedWriter(c, Source.DATABASE + "." + table, 100);
                    io.cdcrunner.load.Pacer pacer = new io.cdcrunner.load.Pacer(rate, startedAt);
                    try (var insert = writer.prepare()) {
                        for (long id = 0; !stop; id++) {
                            pacer.await(id);
                            writer.insert(insert, id);
                            written.incrementAndGet();
                        }
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "bench-writer");
            thread.setDaemon(true);
            thread.start();
        }

        Map<String, Object> stop() throws InterruptedException {
            stop = true;
            thread.join(5_000);
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("rate_per_s", rate);
            figures.put("rows", written.get());
            figures.put("achieved_per_s", Math.round(written.get() / ((System.nanoTime() - startedAt) / 1e9)));
            if (failure.get() != null) {
                figures.put("failure", failure.get().toString());
            }
            return figures;
        }
    }

    private static double seconds(long nanos) {
        return Math.round(nanos / 1e7) / 100.0;
    }
}
