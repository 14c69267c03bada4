package io.cdcrunner.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cdcrunner.source.ServerInfo.BinlogPosition;

/**
 * Scenarios 2 and 5: a backlog committed while nothing reads is drained by bare Debezium with a no-op
 * consumer, once taking Connect records (no conversion at all: the engine's own cost) and once taking JSON
 * records (Debezium's usual format, the calibration baseline of PLATFORM.md), and by the daemon with a no-op
 * processor; each from the same binlog position with a fresh state directory, in fresh JVMs capped at 256 MB
 * of heap. Each reports its rate and its memory.
 */
final class CatchUpScenario {

    static final int ROWS_PER_TRANSACTION = 1_000;

    private final Bench bench;
    private final EngineTuning tuning;
    private final List<String> daemonFlags;
    private final int rounds;

    CatchUpScenario(Bench bench, EngineTuning tuning, List<String> daemonFlags, int rounds) {
        this.bench = bench;
        this.tuning = tuning;
        this.daemonFlags = daemonFlags;
        this.rounds = rounds;
    }

    /** Returns the catch-up scenario and the memory scenario, from the same runs. */
    List<Map<String, Object>> run() throws Exception {
        long rows = bench.sizes.catchUpRows();
        bench.createTable("catchup");
        bench.out.printf("%n  inserting %,d rows in %,d-row transactions while nothing reads ...%n", rows,
                ROWS_PER_TRANSACTION);
        long insertStarted = System.nanoTime();
        BinlogPosition start = bench.insertBacklog("catchup", rows, ROWS_PER_TRANSACTION, 1_000);
        double insertSeconds = (System.nanoTime() - insertStarted) / 1e9;
        bench.out.printf("  inserted in %.1f s; both start at %s:%d%n", insertSeconds, start.file(), start.position());

        Map<String, Object> sizes = new LinkedHashMap<>();
        sizes.put("rows", rows);
        sizes.put("rows_per_transaction", ROWS_PER_TRANSACTION);
        sizes.put("rounds", rounds);
        sizes.put("engine", tuning.toArgs());
        sizes.put("jvm_flags", ChildJvm.JVM_FLAGS);
        sizes.put("insert_s", Math.round(insertSeconds * 10) / 10.0);
        List<Map<String, Object>> plan = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            plan.add(args("bare", round, start));
            plan.add(args("bare-json", round, start));
            plan.add(args("cdc", round, start));
        }
        List<String> commands = plan.stream().map(a -> ChildJvm.describe(DrainRun.class,
                a.get("mode").equals("cdc") ? daemonFlags : List.of(), a)).toList();
        Map<String, Object> catchUp = bench.begin("2. Catch-up: drain a backlog, no-op processor vs no-op consumer",
                sizes, commands);

        List<Map<String, Object>> runs = new ArrayList<>();
        for (Map<String, Object> args : plan) {
            boolean daemon = args.get("mode").equals("cdc");
            String engine = engineName((String) args.get("mode"));
            bench.out.printf("  draining with %s (round %s) ...%n", engine, args.get("round"));
            Map<String, Object> result = bench.runChild("catchup-" + args.get("name"), DrainRun.class,
                    daemon ? daemonFlags : List.of(), args, Duration.ofMinutes(5));
            if (!Boolean.TRUE.equals(result.get("complete"))) {
                throw new IllegalStateException(engine + " saw " + result.get("seen") + " of " + rows + " rows");
            }
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("engine", engine);
            run.put("round", args.get("round"));
            run.putAll(result);
            runs.add(run);
        }
        TextTable rates = new TextTable("engine", "round", "rows", "start-up s", "total s", "events/s incl. start-up",
                "events/s drain", "CPU s", "CPU us/event");
        TextTable memory = new TextTable("engine", "round", "heap max MB", "heap peak used MB", "live after GC MB",
                "RSS peak MB");
        for (Map<String, Object> run : runs) {
            rates.row(run.get("engine"), run.get("round"), run.get("rows"), run.get("startup_s"), run.get("total_s"),
                    run.get("events_per_s_incl_startup"), run.get("events_per_s_drain"), run.get("cpu_s"),
                    run.get("cpu_us_per_event"));
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) run.get("memory");
            memory.row(run.get("engine"), run.get("round"), m.get("heap_max_mb"), m.get("heap_peak_used_mb"),
                    m.get("heap_peak_live_after_gc_mb"), m.get("rss_peak_mb"));
        }
        catchUp.put("runs", runs);
        catchUp.put("daemon_vs_bare", ratios(runs));
        bench.end(catchUp, rates);
        for (Map<String, Object> run : runs) {
            bench.out.printf("busiest threads of %s (round %s), CPU s: %s%n", run.get("engine"), run.get("round"),
                    run.get("busiest_threads_cpu_s"));
        }
        bench.out.println("cdc-runner / baseline (medians of rounds): " + catchUp.get("daemon_vs_bare"));

        Map<String, Object> memoryScenario = bench.begin("5. Memory during the catch-up above (same runs)", sizes,
                commands);
        memoryScenario.put("runs", runs.stream().map(r -> Map.of("engine", r.get("engine"), "round", r.get("round"),
                "memory", r.get("memory"))).toList());
        bench.end(memoryScenario, memory);
        return List.of(catchUp, memoryScenario);
    }

    static String engineName(String mode) {
        return switch (mode) {
            case "cdc" -> LatencyScenario.DAEMON;
            case "bare-json" -> LatencyScenario.BARE_JSON;
            default -> LatencyScenario.BARE;
        };
    }

    /** cdc-runner's rates divided by each baseline's (medians over the rounds). */
    private static Map<String, Object> ratios(List<Map<String, Object>> runs) {
        Map<String, Object> r = new LinkedHashMap<>();
        for (String baseline : List.of(LatencyScenario.BARE, LatencyScenario.BARE_JSON)) {
            Map<String, Object> against = new LinkedHashMap<>();
            for (String key : List.of("events_per_s_incl_startup", "events_per_s_drain")) {
                double daemon = median(runs, LatencyScenario.DAEMON, key);
                double bare = median(runs, baseline, key);
                against.put(key, Math.round(daemon / bare * 100) / 100.0);
            }
            r.put(baseline, against);
        }
        return r;
    }

    static double median(List<Map<String, Object>> runs, String engine, String key) {
        double[] values = runs.stream().filter(r -> engine.equals(r.get("engine")))
                .mapToDouble(r -> ((Number) r.get(key)).doubleValue()).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        return values.length % 2 == 1 ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }

    private Map<String, Object> args(String mode, int round, BinlogPosition start) throws java.io.IOException {
        String name = mode + "-" + round;
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("mode", mode);
        args.put("round", round);
        args.put("name", "catchup-" + name);
        args.put("table", "catchup");
        args.put("rows", bench.sizes.catchUpRows());
        args.put("state", bench.stateDir("catchup-" + name));
        args.put("start.file", start.file());
        args.put("start.pos", start.position());
        args.put("start.gtid", start.gtidSet() == null ? "" : start.gtidSet());
        args.put("server.id", bench.nextServerId());
        args.put("timeout.s", 280);
        args.putAll(tuning.toArgs());
        return args;
    }
}
