package io.cdcrunner.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 1: commit-to-processed latency at fixed write rates, the daemon (no-op processor) and bare
 * Debezium (no-op consumer) one after the other at each rate, each in a fresh JVM with the writer.
 */
final class LatencyScenario {

    static final String DAEMON = "cdc-runner";
    static final String BARE = "bare Debezium";
    static final String BARE_JSON = "bare Debezium, JSON";

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
        scenarioSizes.put("engine", tuning.toArgs());
        List<Map<String, Object>> plan = new ArrayList<>();
        for (int rate : sizes.rates()) {
            plan.add(args("cdc", rate));
            plan.add(args("bare", rate));
        }
        Map<String, Object> scenario = bench.begin("1. Latency: commit-to-processed at fixed write rates",
                scenarioSizes, plan.stream().map(a -> ChildJvm.describe(LatencyRun.class, List.of(), a)).toList());

        List<Map<String, Object>> runs = new ArrayList<>();
        TextTable table = new TextTable("engine", "rate/s", "achieved", "phase", "rows", "p50 ms", "p99 ms",
                "p99.9 ms", "max ms", "start-up ms", "missing");
        for (Map<String, Object> args : plan) {
            String engine = args.get("mode").equals("cdc") ? DAEMON : BARE;
            bench.out.printf("  running %s at %s/s ...%n", engine, args.get("rate"));
            Map<String, Object> result = bench.runChild("latency-" + args.get("mode") + "-" + args.get("rate"),
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

    private Map<String, Object> args(String mode, int rate) throws java.io.IOException {
        String table = "lat_" + mode + "_" + rate;
        bench.createTable(table);
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("mode", mode);
        args.put("rate", rate);
        args.put("warm.s", bench.sizes.warmSeconds());
        args.put("steady.s", bench.sizes.steadySeconds());
        args.put("table", table);
        args.put("state", bench.stateDir(table));
        args.put("server.id", bench.nextServerId());
        args.putAll(tuning.toArgs());
        return args;
    }
}
