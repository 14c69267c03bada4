package io.cdcrunner.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 1: commit-to-processed latency at fixed write rates, the daemon (no-op processor) and bare
 * Debezium (no-op consumer) one after the other at each rate, each in a fresh JVM with the writer. The no-op
 * processor reads nothing, so the daemon runs as configured for such a processor
 * ({@code processor.read.visibility=off} unless {@code --visibility} says otherwise); at 1,000/s it also runs
 * with the default {@code auto}, which on the primary takes a locking read per batch.
 */
final class LatencyScenario {

    static final String DAEMON = "cdc-runner";
    static final String BARE = "bare Debezium";
    static final String BARE_JSON = "bare Debezium, JSON";
    static final String DAEMON_BARRIER = "cdc-runner + barrier";
    /** The rate at which the daemon also runs with its default read barrier. */
    static final int BARRIER_RATE = 1_000;

    private final Bench bench;
    private final EngineTuning tuning;

    LatencyScenario(Bench bench, EngineTuning tuning) {
        this.bench = bench;
        this.tuning = tuning;
    }

    Map<String, Object> run() throws Exception {
        Sizes sizes = bench.sizes;
        Map<String, Object> scenarioSizes = new LinkedHashMap<>();
        scenarioSizes.put("rates_per_s", sizes.rates());
        scenarioSizes.put("warm_up_s", sizes.warmSeconds());
        scenarioSizes.put("steady_s", sizes.steadySeconds());
        scenarioSizes.put("writer", "1 connection, single-row autocommit INSERTs paced with parkNanos");
        scenarioSizes.put("daemon", "no-op processor, 1 lane, processor.read.visibility=" + tuning.readVisibility()
                + (tuning.readVisibility().equals("auto") ? "" : " (and auto at " + BARRIER_RATE + "/s)"));
        scenarioSizes.put("engine", tuning.describe());
        List<Map<String, Object>> plan = new ArrayList<>();
        for (int rate : sizes.rates()) {
            plan.add(args("cdc", rate, tuning));
            plan.add(args("bare", rate, tuning));
            if (rate == BARRIER_RATE && !"auto".equals(tuning.readVisibility())) {
                plan.add(args("cdc-barrier", rate, new EngineTuning(tuning.pollIntervalMs(), tuning.maxBatchSize(),
                        tuning.maxQueueSize(), "auto")));
            }
        }
        Map<String, Object> scenario = bench.begin("1. Latency: commit-to-processed at fixed write rates",
                scenarioSizes, plan.stream().map(a -> ChildJvm.describe(LatencyRun.class, List.of(), a)).toList());

        List<Map<String, Object>> runs = new ArrayList<>();
        TextTable table = new TextTable("engine", "rate/s", "achieved", "phase", "rows", "p50 ms", "p99 ms",
                "p99.9 ms", "max ms", "start-up ms", "missing");
        for (Map<String, Object> args : plan) {
            String engine = switch ((String) args.get("label")) {
                case "cdc" -> DAEMON;
                case "cdc-barrier" -> DAEMON_BARRIER;
                default -> BARE;
            };
            bench.out.printf("  running %s at %s/s ...%n", engine, args.get("rate"));
            Map<String, Object> result = bench.runChild("latency-" + args.get("label") + "-" + args.get("rate"),
                    LatencyRun.class, List.of(), args, Duration.ofMinutes(3));
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("engine", engine);
            run.put("rate", args.get("rate"));
            run.putAll(result);
            runs.add(run);
            for (String phase : List.of("warm", "steady")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> s = (Map<String, Object>) result.get(phase);
                table.row(engine, args.get("rate"), result.get("achieved_rate"), phase, s.get("count"), s.get("p50_ms"),
                        s.get("p99_ms"), s.get("p99_9_ms"), s.get("max_ms"), result.get("startup_ms"), result.get("missing"));
            }
        }
        scenario.put("runs", runs);
        bench.end(scenario, table);
        return scenario;
    }

    private Map<String, Object> args(String label, int rate, EngineTuning runTuning) throws java.io.IOException {
        String table = "lat_" + label.replace('-', '_') + "_" + rate;
        bench.createTable(table);
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("mode", label.startsWith("cdc") ? "cdc" : "bare");
        args.put("label", label);
        args.put("rate", rate);
        args.put("warm.s", bench.sizes.warmSeconds());
        args.put("steady.s", bench.sizes.steadySeconds());
        args.put("table", table);
        args.put("state", bench.stateDir(table));
        args.put("server.id", bench.nextServerId());
        args.putAll(runTuning.toArgs());
        return args;
    }
}
