package io.cdcrunner.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 5: what an idle daemon costs. The daemon with its default engine settings, the daemon and bare Debezium
 * with the benchmark's (a 1 ms poll interval, as in the latency runs), each in a fresh JVM: one probe row, then
 * {@code idle.s} seconds without writes, and the process's CPU time over them. The latency at 1,000/s with the same
 * settings is scenario 1's.
 */
final class IdleScenario {

    static final String DAEMON_DEFAULTS = "cdc-runner, default engine settings";

    private final Bench bench;
    private final EngineTuning tuning;

    IdleScenario(Bench bench, EngineTuning tuning) {
        this.bench = bench;
        this.tuning = tuning;
    }

    Map<String, Object> run() throws Exception {
        bench.createTable("idle");
        Map<String, Object> sizes = new LinkedHashMap<>();
        sizes.put("idle_s", bench.sizes.idleSeconds());
        sizes.put("engine", tuning.describe());
        List<Map<String, Object>> plan = List.of(args("cdc-defaults"), args("cdc"), args("bare"));
        Map<String, Object> scenario = bench.begin("5. Idle: CPU with no writes for " + bench.sizes.idleSeconds() + " s",
                sizes, plan.stream().map(a -> ChildJvm.describe(IdleRun.class, List.of(), a)).toList());
        List<Map<String, Object>> runs = new ArrayList<>();
        TextTable table = new TextTable("engine", "poll interval", "CPU % of one core", "CPU s", "busiest threads (CPU s)");
        for (Map<String, Object> args : plan) {
            String mode = (String) args.get("mode");
            bench.out.printf("  idle: %s ...%n", label(mode));
            Map<String, Object> result = bench.runChild("idle-" + mode, IdleRun.class, List.of(), args,
                    Duration.ofSeconds(bench.sizes.idleSeconds() + 180L));
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("engine", label(mode));
            run.put("poll_interval", mode.equals("cdc-defaults") ? "default" : tuning.pollIntervalMs() + " ms");
            run.putAll(result);
            runs.add(run);
            table.row(run.get("engine"), run.get("poll_interval"), result.get("cpu_percent_of_core"), result.get("cpu_s"),
                    result.get("busiest_threads_cpu_s"));
        }
        scenario.put("runs", runs);
        bench.end(scenario, table);
        return scenario;
    }

    private static String label(String mode) {
        return switch (mode) {
            case "cdc-defaults" -> DAEMON_DEFAULTS;
            case "cdc" -> LatencyScenario.DAEMON;
            default -> LatencyScenario.BARE;
        };
    }

    private Map<String, Object> args(String mode) throws java.io.IOException {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("mode", mode);
        args.put("table", "idle");
        args.put("state", bench.stateDir("idle-" + mode));
        args.put("server.id", bench.nextServerId());
        args.put("idle.s", bench.sizes.idleSeconds());
        args.putAll(tuning.toArgs());
        return args;
    }
}
