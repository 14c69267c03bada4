package io.cdcrunner.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cdcrunner.localdb.LocalJava;

/**
 * Scenario 1: commit-to-processed latency at fixed write rates, the daemon (no-op processor) and bare
 * Debezium (no-op consumer) one after the other at each rate, each in a fresh JVM with the writer. The no-op
 * processor reads nothing, so the daemon runs as configured for such a processor
 * ({@code processor.read.visibility=off} unless {@code --visibility} says otherwise); at 1,000/s it also runs
 * with the default {@code auto}, which on the primary takes a locking read per batch.
 *
 * <p>Where a Java 25 or later is installed ({@link LocalJava}), the daemon also runs on it with an
 * ahead-of-time cache, as {@code CDC_AOT_DIR} makes the launcher do: one run at the highest rate records the cache
 * ({@code -XX:AOTCacheOutput}, written when that JVM exits), then one run per rate starts from it
 * ({@code -XX:AOTCache}). Same heap, collector and engine settings as the other runs.
 */
final class LatencyScenario {

    static final String DAEMON = "cdc-runner";
    static final String BARE = "bare Debezium";
    static final String BARE_JSON = "bare Debezium, JSON";
    static final String DAEMON_BARRIER = "cdc-runner + barrier";
    static final String DAEMON_AOT_RECORDING = "cdc-runner, Java 25, recording the AOT cache";
    static final String DAEMON_AOT = "cdc-runner, Java 25 + AOT cache";
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
        Path java25 = LocalJava.atLeast(25).orElse(null);
        int recordingRate = sizes.rates().stream().max(Integer::compare).orElse(BARRIER_RATE);
        Path cache = bench.work.resolve("aot").resolve("cdc-runner.aot");
        scenarioSizes.put("java_25", java25 == null ? "none installed: no AOT-cache runs" : java25 + " (Java "
                + LocalJava.feature(java25) + "), AOT cache recorded at " + recordingRate + "/s, then used at every rate");
        List<Map<String, Object>> plan = new ArrayList<>();
        for (int rate : sizes.rates()) {
            plan.add(args("cdc", rate, tuning));
            plan.add(args("bare", rate, tuning));
            if (rate == BARRIER_RATE && !"auto".equals(tuning.readVisibility())) {
                plan.add(args("cdc-barrier", rate, new EngineTuning(tuning.pollIntervalMs(), tuning.maxBatchSize(),
                        tuning.maxQueueSize(), "auto")));
            }
        }
        if (java25 != null) {
            Files.createDirectories(cache.getParent());
            // Recorded at the highest rate: the most invocations in the time, so the richest method profiles.
            plan.add(args("cdc-aot-recording", recordingRate, tuning));
            for (int rate : sizes.rates()) {
                plan.add(args("cdc-aot", rate, tuning));
            }
        }
        List<String> commands = new ArrayList<>();
        for (Map<String, Object> args : plan) {
            List<String> flags = flags((String) args.get("label"), cache);
            commands.add(flags.isEmpty() ? ChildJvm.describe(LatencyRun.class, flags, args)
                    : ChildJvm.describe("$JAVA25_HOME/bin/java", LatencyRun.class, flags, args));
        }
        Map<String, Object> scenario = bench.begin("1. Latency: commit-to-processed at fixed write rates",
                scenarioSizes, commands);

        List<Map<String, Object>> runs = new ArrayList<>();
        TextTable table = new TextTable("engine", "rate/s", "achieved", "phase", "rows", "p50 ms", "p99 ms",
                "p99.9 ms", "max ms", "start-up ms", "missing");
        for (Map<String, Object> args : plan) {
            String label = (String) args.get("label");
            String engine = switch (label) {
                case "cdc" -> DAEMON;
                case "cdc-barrier" -> DAEMON_BARRIER;
                case "cdc-aot-recording" -> DAEMON_AOT_RECORDING;
                case "cdc-aot" -> DAEMON_AOT;
                default -> BARE;
            };
            if (label.equals("cdc-aot") && !Files.exists(cache)) {
                continue;
            }
            bench.out.printf("  running %s at %s/s ...%n", engine, args.get("rate"));
            List<String> flags = flags(label, cache);
            Path javaHome = flags.isEmpty() ? Path.of(System.getProperty("java.home")) : java25;
            Map<String, Object> result;
            try {
                result = bench.runChild("latency-" + label + "-" + args.get("rate"), LatencyRun.class, javaHome,
                        flags, args, Duration.ofMinutes(3));
            } catch (IllegalStateException e) {
                if (!label.startsWith("cdc-aot")) {
                    throw e;
                }
                // The Java 25 rows are an extra: without them the scenario still stands.
                bench.out.printf("  %s failed, the Java 25 rows are left out: %s%n", engine, e.getMessage());
                Files.deleteIfExists(cache);
                continue;
            }
            if (label.equals("cdc-aot-recording") && !Files.exists(cache)) {
                bench.out.printf("  the recording run wrote no AOT cache at %s: the Java 25 rows are left out%n", cache);
            }
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

    /** The JVM flags of a run: the AOT cache's for the Java 25 runs, none for the others. */
    private static List<String> flags(String label, Path cache) {
        return switch (label) {
            case "cdc-aot-recording" -> List.of("-XX:AOTCacheOutput=" + cache);
            case "cdc-aot" -> List.of("-XX:AOTCache=" + cache);
            default -> List.of();
        };
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
