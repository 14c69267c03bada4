package io.cdcrunner.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cdcrunner.localdb.LocalMariaDb;

/**
 * {@code make bench}: starts a throwaway MariaDB, runs every scenario (each measurement in a fresh JVM),
 * prints the tables, and writes {@code latest.json} and {@code latency.png} to the results directory.
 *
 * <p>Options: {@code --quick} (smaller sizes, to try the harness), {@code --only latency,catchup,family,polling,idle,kafka},
 * {@code --kafka-rows N} and {@code --kafka-rate N} (scenario 6's backlog, default 100,000, and paced rate, default 1,000),
 * {@code --rounds N} (catch-up repetitions, default 2), {@code --paced-rate N} and {@code --paced-s N} (scenario 3's paced
 * writer, default 5,000/s for 60 s), {@code --profile} (JFR recording of the daemon's
 * catch-up), {@code --catchup-rows N}, {@code --rates R1,R2,...}, {@code --steady-s N}, {@code --poll-ms N}, {@code --batch N},
 * {@code --queue N}, {@code --visibility auto|off} (the daemon's processor.read.visibility in the no-op
 * runs), {@code --jvm "FLAGS"} (added to every measuring JVM), {@code --out DIR}, {@code --idle-cores C} and {@code --idle-wait-s S} (before each
 * measurement wait until other programs use less than C cores, 0.3 by default, waiting at most S seconds in
 * all, 120 by default).
 */
public final class BenchMain {

    private static final String USER = "bench";
    private static final String PASSWORD = "bench-secret";
    static final String SERVER_POOL = "512M";
    static final String SERVER_REDO_LOG = "256M";

    private BenchMain() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> options = options(argv);
        Sizes sizes = options.containsKey("quick") ? Sizes.quick() : Sizes.defaults();
        if (options.containsKey("catchup-rows")) {
            sizes = sizes.withCatchUpRows(Long.parseLong(options.get("catchup-rows")));
        }
        if (options.containsKey("family-rows") || options.containsKey("families")) {
            sizes = sizes.withFamilies(Integer.parseInt(options.getOrDefault("family-rows", "20000")),
                    Integer.parseInt(options.getOrDefault("families", "2000")));
        }
        if (options.containsKey("paced-rate") || options.containsKey("paced-s")) {
            sizes = sizes.withPacedFamily(Integer.parseInt(options.getOrDefault("paced-rate",
                    String.valueOf(sizes.pacedFamilyRate()))), Integer.parseInt(options.getOrDefault("paced-s",
                    String.valueOf(sizes.pacedFamilySeconds()))));
        }
        if (options.containsKey("rates")) {
            sizes = sizes.withRates(Arrays.stream(options.get("rates").split(",")).map(Integer::valueOf).toList());
        }
        if (options.containsKey("steady-s")) {
            sizes = sizes.withSteadySeconds(Integer.parseInt(options.get("steady-s")));
        }
        EngineTuning tuning = new EngineTuning(Integer.parseInt(options.getOrDefault("poll-ms", "1")),
                Integer.parseInt(options.getOrDefault("batch", "2048")),
                Integer.parseInt(options.getOrDefault("queue", "8192")),
                options.getOrDefault("visibility", "off"));
        if (options.containsKey("jvm")) {
            ChildJvm.addFlags(options.get("jvm"));
        }
        Set<String> only = Set.of(options.getOrDefault("only", "latency,catchup,family,polling,idle,kafka").split(","));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "2"));
        Path results = Files.createDirectories(Path.of(options.getOrDefault("out", "bench/results")));
        Path work = Files.createTempDirectory("cdc-runner-bench-");
        PrintStream out = System.out;

        if (!LocalMariaDb.isAvailable()) {
            System.err.println("mariadbd not found: install the MariaDB server (make mariadb does it as root)");
            System.exit(1);
        }
        long started = System.nanoTime();
        String loadAtStart = Machine.load();
        out.println("cdc-runner benchmark; working files in " + work + "; load average " + loadAtStart);
        // Sized as a server of its own would be (the test servers' 64 MB pool and 48 MB redo log are not): the
        // paced family run writes the orders, the ledger and the summaries at 5,000 rows/s each.
        try (LocalMariaDb db = LocalMariaDb.builder().serverArg("--innodb-buffer-pool-size=" + SERVER_POOL)
                .serverArg("--innodb-log-file-size=" + SERVER_REDO_LOG).start()) {
            db.createCdcUser(USER, PASSWORD);
            db.execute("CREATE DATABASE bench");
            Source source = new Source(db.host(), db.port(), USER, PASSWORD);
            Machine machine = Machine.describe(serverVersion(db));
            out.println("machine: " + machine.oneLine() + "; MariaDB buffer pool " + SERVER_POOL + ", redo log "
                    + SERVER_REDO_LOG);
            QuietGate quiet = new QuietGate(Double.parseDouble(options.getOrDefault("idle-cores", "0.3")),
                    Integer.parseInt(options.getOrDefault("idle-wait-s", "120")), out);
            Bench bench = new Bench(db, source, machine, sizes, work, quiet, out);

            List<Map<String, Object>> scenarios = new ArrayList<>();
            Targets targets = new Targets();
            List<LatencyChart.Panel> panels = new ArrayList<>();
            if (only.contains("latency")) {
                Map<String, Object> latency = new LatencyScenario(bench, tuning).run();
                scenarios.add(latency);
                targets.latency(latency);
                panels.addAll(latencyPanels(latency));
            }
            if (only.contains("catchup")) {
                List<String> daemonFlags = options.containsKey("profile")
                        ? List.of("-XX:StartFlightRecording=filename=" + work.resolve("catchup-daemon.jfr") + ",settings=profile")
                        : List.of();
                List<Map<String, Object>> catchUp = new CatchUpScenario(bench, tuning, daemonFlags, rounds).run();
                scenarios.addAll(catchUp);
                targets.catchUp(catchUp.get(0)).memory(catchUp.get(1));
            }
            if (only.contains("polling")) {
                Map<String, Object> polling = new PollingScenario(bench, tuning).run();
                scenarios.add(polling);
                targets.polling(polling);
                panels.add(pollingPanel(polling));
            }

            if (only.contains("idle")) {
                Map<String, Object> idle = new IdleScenario(bench, tuning).run();
                scenarios.add(idle);
                targets.idle(idle);
            }
            // Last: its paced run writes more than a freshly started replica (scenario 4) could catch up with.
            if (only.contains("family")) {
                Map<String, Object> family = new FamilyScenario(bench, tuning).run();
                scenarios.add(family);
                targets.family(family);
            }

            if (only.contains("kafka")) {
                int kafkaRows = Integer.parseInt(options.getOrDefault("kafka-rows",
                        options.containsKey("quick") ? "10000" : "100000"));
                scenarios.add(new KafkaScenario(bench, tuning, kafkaRows,
                        Integer.parseInt(options.getOrDefault("kafka-rate", "1000"))).run());
            }

            Path png = results.resolve("latency.png");
            if (!panels.isEmpty()) {
                LatencyChart.write(panels, png);
            }
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("generated_at", Instant.now().toString());
            report.put("command", Bench.COMMAND + (argv.length == 0 ? "" : " BENCH_ARGS=\"" + String.join(" ", argv) + "\""));
            report.put("machine", machine.toJson());
            report.put("load_at_start", loadAtStart);
            report.put("load_at_end", Machine.load());
            report.put("duration_s", Math.round((System.nanoTime() - started) / 1e9));
            report.put("targets", targets.checks());
            report.put("scenarios", scenarios);
            report.put("chart", panels.isEmpty() ? null : png.toString());
            Path json = results.resolve("latest.json");
            ChildOutput.JSON.writeValue(json.toFile(), report);

            out.println();
            out.println("== Targets (issue 6), " + machine.oneLine());
            out.print(targets.table());
            out.printf("%nresults: %s%nchart:   %s%nwhole run: %d s, load average at start %s, at end %s%n", json,
                    panels.isEmpty() ? "(no latency scenario)" : png, report.get("duration_s"), loadAtStart, Machine.load());
        }
        System.exit(0);
    }

    private static List<LatencyChart.Panel> latencyPanels(Map<String, Object> latency) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> runs = (List<Map<String, Object>>) latency.get("runs");
        List<Integer> rates = runs.stream().map(r -> ((Number) r.get("rate")).intValue()).distinct().sorted().toList();
        List<LatencyChart.Panel> panels = new ArrayList<>();
        for (String phase : List.of("steady", "warm")) {
            List<LatencyChart.Curve> curves = new ArrayList<>();
            for (Map<String, Object> run : runs) {
                String engine = (String) run.get("engine");
                if (engine.equals(LatencyScenario.DAEMON_AOT) || engine.equals(LatencyScenario.DAEMON_AOT_RECORDING)) {
                    continue;
                }
                int rate = ((Number) run.get("rate")).intValue();
                boolean bare = LatencyScenario.BARE.equals(engine);
                boolean barrier = LatencyScenario.DAEMON_BARRIER.equals(engine);
                curves.add(new LatencyChart.Curve(String.format("%s %,d/s", engine, rate), bare,
                        barrier ? 5 : rates.indexOf(rate), LatencyChart.points(run, phase)));
            }
            panels.add(new LatencyChart.Panel(phase.equals("steady") ? "Steady phase (after the first 5 s)"
                    : "Warm-up phase (first 5 s after start)", true, curves));
        }
        // The warm-up again: Java 17 (dashed) against Java 25 starting from the AOT cache.
        List<LatencyChart.Curve> warm = new ArrayList<>();
        for (Map<String, Object> run : runs) {
            String engine = (String) run.get("engine");
            int rate = ((Number) run.get("rate")).intValue();
            if (LatencyScenario.DAEMON.equals(engine) || LatencyScenario.DAEMON_AOT.equals(engine)) {
                warm.add(new LatencyChart.Curve(String.format("%s %,d/s", engine, rate),
                        LatencyScenario.DAEMON.equals(engine), rates.indexOf(rate), LatencyChart.points(run, "warm")));
            }
        }
        if (warm.stream().anyMatch(c -> !c.baseline())) {
            panels.add(new LatencyChart.Panel("Warm-up phase: Java 17 (dashed) and Java 25 + AOT cache", true, warm));
        }
        return panels;
    }

    private static LatencyChart.Panel pollingPanel(Map<String, Object> polling) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> runs = (List<Map<String, Object>>) polling.get("runs");
        List<LatencyChart.Curve> curves = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            Map<String, Object> run = runs.get(i);
            curves.add(new LatencyChart.Curve((String) run.get("reader"), i == 0, i + 3, LatencyChart.points(run, "all")));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> sizes = (Map<String, Object>) polling.get("sizes");
        return new LatencyChart.Panel(String.format("Against a replica %s s behind, %s rows/s", sizes.get("replica_delay_s"),
                sizes.get("rate_per_s")), false, curves);
    }

    private static String serverVersion(LocalMariaDb db) throws Exception {
        try (Connection c = db.rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT VERSION()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Map<String, String> options(String[] argv) {
        Map<String, String> options = new LinkedHashMap<>();
        List<String> args = Arrays.asList(argv);
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + arg);
            }
            String name = arg.substring(2);
            boolean flag = Set.of("quick", "profile").contains(name);
            options.put(name, flag ? "true" : args.get(++i));
        }
        return options;
    }
}
