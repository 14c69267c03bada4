package io.cdcrunner.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import io.cdcrunner.processor.builtin.FamilyAggregateProcessor;

/**
 * Scenario 8: a backfill against the initial snapshot of the same table, on one server, in the same run. A table of
 * {@code rows} rows in {@code families} families (scenario 3's shape: row {@code id} in family {@code id % families},
 * 1,000 rows per transaction) is read (a) as the initial snapshot of a first start ({@code source.start=snapshot})
 * with the no-op processor, (b) as a backfill asked for over JMX while the daemon streams, no-op processor, (c) the
 * same backfill with {@link FamilyAggregateProcessor} (ordering column = the family column), counting its family
 * computations ({@link CountingFamilyProcessor}), and (d) that again with larger chunks and batches. Each run is a
 * fresh JVM with a fresh state directory ({@link BackfillDrain}); each family run writes its own summary table, then
 * checked against SQL.
 */
final class BackfillScenario {

    static final int ROWS_PER_TRANSACTION = 1_000;
    static final String MARKER_TABLE = "backfill_marker";
    static final String WRITER_TABLE = "backfill_writer";
    static final int LARGE_CHUNK = 16_384;
    static final int LARGE_BATCH = 8_192;
    static final int DEFAULT_CHUNK = 4_096;

    private final Bench bench;
    private final EngineTuning tuning;
    private final List<Long> sizes;
    private final int families;
    private final int lanes;
    private final int writerRate;
    private final String writerFrom;
    private final boolean marker;

    BackfillScenario(Bench bench, EngineTuning tuning, List<Long> sizes, int families, int lanes, int writerRate,
                     String writerFrom, boolean marker) {
        this.bench = bench;
        this.tuning = tuning;
        this.sizes = sizes;
        this.families = families;
        this.lanes = lanes;
        this.writerRate = writerRate;
        this.writerFrom = writerFrom;
        this.marker = marker;
    }

    /** What happens before and during each backfill, as printed and recorded. */
    private String streamingLoad() {
        String before = marker ? "one row committed to bench." + MARKER_TABLE + " (captured) and processed before the"
                + " request, so the engine has streamed a transaction" : "no transaction before the request";
        String during = writerRate > 0 ? "; a paced writer inserts " + writerRate + " rows/s into bench." + WRITER_TABLE
                + " (not captured) from " + (writerFrom.equals("request") ? "0.2 s before the request"
                : "the first backfilled row") + " to the end" : "; no writer during the backfill";
        return before + during;
    }

    Map<String, Object> run() throws Exception {
        bench.createTable(MARKER_TABLE);
        bench.createTable(WRITER_TABLE);
        List<Map<String, Object>> plan = new ArrayList<>();
        for (long rows : sizes) {
            String table = "backfill_" + rows + "_" + families;
            bench.out.printf("%n  inserting %,d rows in %,d families (%,d rows per transaction) into bench.%s ...%n",
                    rows, families, ROWS_PER_TRANSACTION, table);
            long insertStarted = System.nanoTime();
            bench.createTable(table);
            bench.insertBacklog(table, rows, ROWS_PER_TRANSACTION, families);
            bench.out.printf("  inserted in %.1f s%n", (System.nanoTime() - insertStarted) / 1e9);
            plan.add(args(table, rows, "snapshot", "no-op", DEFAULT_CHUNK, tuning.maxBatchSize(), tuning.maxQueueSize()));
            plan.add(args(table, rows, "backfill", "no-op", DEFAULT_CHUNK, tuning.maxBatchSize(), tuning.maxQueueSize()));
            plan.add(args(table, rows, "backfill", "per-family", DEFAULT_CHUNK, tuning.maxBatchSize(),
                    tuning.maxQueueSize()));
            plan.add(args(table, rows, "backfill", "per-family", LARGE_CHUNK, LARGE_BATCH, 4 * LARGE_BATCH));
        }
        Map<String, Object> scenarioSizes = new LinkedHashMap<>();
        scenarioSizes.put("rows", sizes);
        scenarioSizes.put("families", families);
        scenarioSizes.put("rows_per_transaction", ROWS_PER_TRANSACTION);
        scenarioSizes.put("family_lanes", lanes);
        scenarioSizes.put("engine", tuning.describe());
        scenarioSizes.put("streaming_load", streamingLoad());
        Map<String, Object> scenario = bench.begin("8. Backfill while streaming against the initial snapshot of the"
                        + " same table", scenarioSizes,
                plan.stream().map(a -> ChildJvm.describe(BackfillDrain.class, List.of(), a)).toList());
        bench.out.println("backfills: " + streamingLoad());
        List<Map<String, Object>> runs = new ArrayList<>();
        TextTable text = new TextTable("rows", "read as", "processor", "chunk / batch", "first row s", "last row s",
                "rows/s drain", "ratio drain", "rows/s whole", "ratio whole", "chunks", "batches seen, mean",
                "family computations", "per row", "COMPLETED s", "ids missing / again",
                "summaries / rows, differing");
        // The snapshot's rows/s of each table size: whole (from the pipeline's start) and drain.
        Map<Long, Double> snapshotRate = new LinkedHashMap<>();
        Map<Long, Double> snapshotDrain = new LinkedHashMap<>();
        for (Map<String, Object> args : plan) {
            long rows = ((Number) args.get("rows")).longValue();
            String mode = (String) args.get("mode");
            String processor = (String) args.get("processor");
            String name = (String) args.get("name");
            String shape = args.get("chunk") + " / " + args.get("batch");
            bench.out.printf("  %s of %,d rows, %s processor, chunk %s, batch %s ...%n", mode, rows, processor,
                    args.get("chunk"), args.get("batch"));
            if (mode.equals("backfill") && writerRate > 0) {
                bench.db.execute("TRUNCATE TABLE bench." + WRITER_TABLE);
            }
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("rows_in_table", rows);
            run.put("mode", mode);
            run.put("processor", processor);
            run.put("chunk_size", args.get("chunk"));
            run.put("max_batch_size", args.get("batch"));
            run.put("max_queue_size", args.get("queue"));
            try {
                run.putAll(bench.runChild(name, BackfillDrain.class, List.of(), args, Duration.ofMinutes(7)));
            } catch (IllegalStateException e) {
                run.put("complete", false);
                run.put("problem", e.getMessage());
            }
            run.put("log_lines", logLines(name));
            if (processor.equals("per-family")) {
                run.put("summary_check", FamilyScenario.check(bench, (String) args.get("table_name"),
                        "bench." + args.get("summary")));
            }
            boolean complete = Boolean.TRUE.equals(run.get("complete"));
            boolean snapshot = mode.equals("snapshot");
            Double whole = null;
            Double drain = null;
            Double ratioWhole = null;
            Double ratioDrain = null;
            if (snapshot) {
                if (complete) {
                    whole = ((Number) run.get("rows_per_s_incl_startup")).doubleValue();
                    drain = ((Number) run.get("rows_per_s_drain")).doubleValue();
                    snapshotRate.put(rows, whole);
                    snapshotDrain.put(rows, drain);
                }
            } else if (Boolean.TRUE.equals(run.get("rows_complete"))) {
                whole = ((Number) run.get("rows_per_s_from_request")).doubleValue();
                drain = ((Number) run.get("rows_per_s_drain")).doubleValue();
                if (snapshotRate.containsKey(rows)) {
                    ratioWhole = round3(whole / snapshotRate.get(rows));
                    ratioDrain = round3(drain / snapshotDrain.get(rows));
                    run.put("ratio_whole_to_snapshot", ratioWhole);
                    run.put("ratio_drain_to_snapshot", ratioDrain);
                }
            }
            Long computations = null;
            Double perRow = null;
            if (processor.equals("per-family")) {
                computations = ((Number) run.getOrDefault("family_computations", 0)).longValue();
                long familyRows = ((Number) run.getOrDefault("family_rows", 0)).longValue();
                perRow = familyRows == 0 ? null : round3((double) computations / familyRows);
                run.put("computations_per_row", perRow);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> batches = (Map<String, Object>) run.get("batches");
            runs.add(run);
            text.row(rows, snapshot ? "initial snapshot" : "backfill", processor, snapshot ? "-" : shape,
                    snapshot ? run.get("startup_s") : run.get("first_row_after_request_s"),
                    complete || Boolean.TRUE.equals(run.get("rows_complete"))
                            ? (snapshot ? run.get("total_s") : run.get("last_row_after_request_s")) : "NOT COMPLETE",
                    drain == null ? null : Math.round(drain), ratioDrain, whole == null ? null : Math.round(whole),
                    ratioWhole, run.get("chunks_read"),
                    batches == null ? null : batches.get("batches_seen") + ", " + batches.get("mean_size"),
                    computations, perRow, run.get("completed_after_request_s"),
                    run.get("ids_missing") == null ? null : run.get("ids_missing") + " / " + run.get("ids_delivered_again"),
                    run.get("summary_check"));
            report(run);
        }
        scenario.put("runs", runs);
        bench.end(scenario, text);
        bench.out.println("first / last row s: after the pipeline's start (snapshot) or the startBackfill call"
                + " (backfill). rows/s drain: first to last row processed; whole: start or request to the last row."
                + " ratios: the backfill's rows/s over the snapshot's of the same table in this run. batches: as seen"
                + " from the received count every ms (a lower bound on their number). COMPLETED s: when the MBean said"
                + " so, after the request.");
        return scenario;
    }

    /** Prints what a run's figures and log say beyond the table: incomplete runs, warnings, stalls. */
    private void report(Map<String, Object> run) {
        if (!Boolean.TRUE.equals(run.get("complete"))) {
            bench.out.printf("    NOT COMPLETE: %s; seen %s of %s rows; backfill state %s; pipeline %s%s%n",
                    run.getOrDefault("problem", "timed out"), run.get("seen"), run.get("rows_in_table"),
                    run.get("backfill_state"), run.get("pipeline_state"),
                    run.containsKey("pipeline_failure") ? " (" + run.get("pipeline_failure") + ")" : "");
        }
        @SuppressWarnings("unchecked")
        List<String> lines = (List<String>) run.get("log_lines");
        for (String line : lines) {
            if (line.contains(" WARN ") || line.contains(" ERROR ") || line.contains("backfill b")
                    && (line.contains(" completed:") || line.contains(" failed:") || line.contains(" stopped:"))) {
                bench.out.println("    log: " + line);
            }
        }
        Object timeline = run.get("rows_per_second_since_request");
        if (timeline != null) {
            bench.out.println("    backfilled rows in each second since the request: " + timeline);
        }
    }

    /** The lines of a child's log that concern backfills, and its warnings and errors (at most 40). */
    private List<String> logLines(String name) {
        Path log = bench.work.resolve(name + ".log");
        if (!Files.exists(log)) {
            return List.of();
        }
        try {
            return Files.readAllLines(log).stream()
                    .filter(l -> l.toLowerCase(Locale.ROOT).contains("backfill") || l.contains(" WARN ")
                            || l.contains(" ERROR ") || l.contains("Exception"))
                    .limit(40).collect(Collectors.toList());
        } catch (IOException e) {
            return List.of("cannot read " + log + ": " + e.getMessage());
        }
    }

    private Map<String, Object> args(String table, long rows, String mode, String processor, int chunk, int batch,
                                     int queue) throws IOException {
        String name = "backfill-" + rows + "-" + mode + "-" + processor + "-" + chunk;
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("mode", mode);
        args.put("name", name.replace("per-family", "family").replace("no-op", "noop").replace('-', '_'));
        args.put("table", table);
        args.put("table_name", table);
        args.put("rows", rows);
        args.put("processor", processor);
        args.put("chunk", chunk);
        args.put("state", bench.stateDir(name));
        long serverId = bench.nextServerId();
        args.put("server.id", serverId);
        args.put("timeout.s", 360);
        args.putAll(tuning.toArgs());
        args.put("batch", batch);
        args.put("queue", queue);
        args.put("daemon.backfill.chunk.size", chunk);
        if (mode.equals("snapshot")) {
            args.put("daemon.source.start", "snapshot");
        } else {
            if (marker) {
                args.put("marker", MARKER_TABLE);
                args.put("marker.id", serverId);
                args.put("daemon.source.tables", Source.DATABASE + "." + table + "," + Source.DATABASE + "."
                        + MARKER_TABLE);
            }
            if (writerRate > 0) {
                args.put("writer.table", WRITER_TABLE);
                args.put("writer.rate", writerRate);
                args.put("writer.from", writerFrom);
            }
        }
        if (processor.equals("per-family")) {
            String summary = "backfill_summary_" + rows + "_" + chunk;
            args.put("summary", summary);
            args.put("daemon.processor.class", CountingFamilyProcessor.class.getName());
            args.put("daemon.processor.family.table", Source.DATABASE + "." + table);
            args.put("daemon.processor.family.column", "customer_id");
            args.put("daemon.processor.family.value.column", "amount");
            args.put("daemon.processor.family.id.column", "id");
            args.put("daemon.processor.family.summary.table", Source.DATABASE + "." + summary);
            args.put("daemon.processor.threads", lanes);
            args.put("daemon.processor.ordering.column", "customer_id");
            args.put("daemon.processor.jdbc.pool.size", Math.max(4, lanes));
            // The processor reads the family on the primary: the barrier, whatever the no-op runs use.
            args.put("daemon.processor.read.visibility", "auto");
        }
        return args;
    }

    private static String format(Object seconds) {
        return seconds == null ? "-" : seconds.toString();
    }

    private static double round3(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
