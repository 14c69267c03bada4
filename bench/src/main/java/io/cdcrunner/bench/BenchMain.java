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

import io.cdcrunner.brokers.LocalRabbitMq;
import io.cdcrunner.brokers.LocalRedis;
import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.localdb.LocalServer;

/**
 * {@code make bench}: starts a throwaway MariaDB, runs every scenario (each measurement in a fresh JVM), then a
 * throwaway MySQL 8.0 for the latency and catch-up scenarios (each beside bare Debezium on the same server), prints
 * the tables, and writes {@code latest.json} and {@code latency.png} (MariaDB's) to the results directory.
 *
 * <p>Options: {@code --quick} (smaller sizes, to try the harness), {@code --flavors mariadb,mysql} (the servers, in
 * order: the first runs every scenario, the others latency, catch-up and backfill; default both),
 * {@code --only latency,catchup,family,polling,idle,kafka,celery,backfill} (backfill only when named),
 * {@code --backfill-rows N[,N...]} (scenario 8's table sizes, default 200,000), {@code --backfill-families N} (default
 * 2,000), {@code --backfill-lanes N} (of its per-family runs, default 2), {@code --backfill-writer-rate N} (a paced
 * writer on another table during each backfill, default 0: none; {@code --backfill-writer-from first-row|request}:
 * started once the first backfilled row was processed, the default, or just before the request) and {@code --backfill-marker on|off} (one transaction
 * streamed before each request, default on), {@code --kafka-rows N} and {@code --kafka-rate N} (scenario 6's backlog, default 100,000, and paced rate, default 1,000),
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
        Set<String> only = Set.of(options.getOrDefault("only", "latency,catchup,family,polling,idle,kafka,celery")
                .split(","));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "2"));
        Path results = Files.createDirectories(Path.of(options.getOrDefault("out", "bench/results")));
        Path work = Files.createTempDirectory("cdc-runner-bench-");
        PrintStream out = System.out;

        List<Flavor> flavors = Arrays.stream(options.getOrDefault("flavors", "mariadb,mysql").split(","))
                .map(Flavor::of).toList();
        for (Flavor flavor : flavors) {
            if (!flavor.isAvailable()) {
                System.err.println(flavor == Flavor.MARIADB
                        ? "mariadbd not found: install the MariaDB server (make mariadb does it as root)"
                        : "the local MySQL runs on Linux x86-64 only; leave it out with --flavors mariadb");
                System.exit(1);
            }
        }
        if (only.contains("celery") && !(LocalRedis.isAvailable() && LocalRabbitMq.isAvailable())) {
            System.err.println("the celery scenario starts a Redis and a RabbitMQ: install redis-server and "
                    + "rabbitmq-server (make bench does it as root), or leave it out with --only");
            System.exit(1);
        }
        long started = System.nanoTime();
        String loadAtStart = Machine.load();
        out.println("cdc-runner benchmark; working files in " + work + "; load average " + loadAtStart);
        QuietGate quiet = new QuietGate(Double.parseDouble(options.getOrDefault("idle-cores", "0.3")),
                Integer.parseInt(options.getOrDefault("idle-wait-s", "120")), out);
        List<Map<String, Object>> scenarios = new ArrayList<>();
        Targets targets = new Targets();
        List<LatencyChart.Panel> panels = new ArrayList<>();
        Machine machine = null;
        List<Map<String, Object>> servers = new ArrayList<>();
        for (Flavor flavor : flavors) {
            // The first server runs every scenario; the others those that compare the servers: latency and
            // catch-up, each beside bare Debezium on the same server, and the backfill beside the snapshot.
            boolean first = flavor == flavors.get(0);
            Set<String> here = first ? only : only.stream().filter(Set.of("latency", "catchup", "backfill")::contains)
                    .collect(java.util.stream.Collectors.toSet());
            if (here.isEmpty()) {
                continue;
            }
            try (LocalServer db = startServer(flavor)) {
                db.createCdcUser(USER, PASSWORD);
                db.execute("CREATE DATABASE bench");
                createNumbers(db);
                String version = serverVersion(db);
                if (machine == null) {
                    machine = Machine.describe(version);
                    out.println("machine: " + machine.oneLine());
                }
                String server = flavor + " " + version;
                servers.add(Map.of("flavor", flavor.name().toLowerCase(java.util.Locale.ROOT), "version", version,
                        "scenarios", List.copyOf(here)));
                out.println();
                out.println("=== " + server + " (buffer pool " + SERVER_POOL + ", redo log " + SERVER_REDO_LOG + ")");
                Source source = new Source(flavor, db.host(), db.port(), USER, PASSWORD);
                Bench bench = new Bench(db, source, machine, sizes, Files.createDirectories(work.resolve(
                        flavor.name().toLowerCase(java.util.Locale.ROOT))), quiet, out);
                targets.server(first ? null : server);
                runScenarios(bench, here, options, tuning, rounds, work, server, scenarios, targets,
                        first ? panels : new ArrayList<>());
            }
        }

        Path png = results.resolve("latency.png");
        if (!panels.isEmpty()) {
            LatencyChart.write(panels, png);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("generated_at", Instant.now().toString());
        report.put("command", Bench.COMMAND + (argv.length == 0 ? "" : " BENCH_ARGS=\"" + String.join(" ", argv) + "\""));
        report.put("machine", machine.toJson());
        report.put("servers", servers);
        report.put("load_at_start", loadAtStart);
        report.put("load_at_end", Machine.load());
        report.put("duration_s", Math.round((System.nanoTime() - started) / 1e9));
        report.put("targets", targets.checks());
        report.put("scenarios", scenarios);
        report.put("chart", panels.isEmpty() ? null : png.toString());
        Path json = results.resolve("latest.json");
        ChildOutput.JSON.writeValue(json.toFile(), report);

        out.println();
        out.println("== Targets (issue 6; the rows naming a server are issue 25's), " + machine.oneLine());
        out.print(targets.table());
        out.printf("%nresults: %s%nchart:   %s%nwhole run: %d s, load average at start %s, at end %s%n", json,
                panels.isEmpty() ? "(no latency scenario)" : png, report.get("duration_s"), loadAtStart, Machine.load());
        System.exit(0);
    }

    /**
     * A server sized as one of its own would be (the test servers' 64 MB pool and small redo log are not): the
     * paced family run writes the orders, the ledger and the summaries at 5,000 rows/s each.
     */
    private static LocalServer startServer(Flavor flavor) {
        LocalServer.Builder<? extends LocalServer> builder = flavor.builder()
                .serverArg("--innodb-buffer-pool-size=" + SERVER_POOL);
        if (flavor == Flavor.MARIADB) {
            builder.serverArg("--innodb-log-file-size=" + SERVER_REDO_LOG);
        } else {
            builder.serverArg("--innodb-redo-log-capacity=" + SERVER_REDO_LOG);
        }
        return builder.start();
    }

    /** {@code bench.numbers}: 1 to 10,000, what the backlogs are inserted from (both servers read it alike). */
    private static void createNumbers(LocalServer db) {
        db.execute("CREATE TABLE bench.digits (d INT PRIMARY KEY)",
                "INSERT INTO bench.digits VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)",
                "CREATE TABLE bench.numbers (seq INT PRIMARY KEY)",
                "INSERT INTO bench.numbers SELECT 1 + a.d + 10 * b.d + 100 * c.d + 1000 * e.d "
                        + "FROM bench.digits a, bench.digits b, bench.digits c, bench.digits e");
    }

    @SuppressWarnings("checkstyle:ParameterNumber")
    private static void runScenarios(Bench bench, Set<String> only, Map<String, String> options, EngineTuning tuning,
                                     int rounds, Path work, String server, List<Map<String, Object>> scenarios,
                                     Targets targets, List<LatencyChart.Panel> panels) throws Exception {
        if (only.contains("latency")) {
            Map<String, Object> latency = withServer(new LatencyScenario(bench, tuning).run(), server);
            scenarios.add(latency);
            targets.latency(latency);
            panels.addAll(latencyPanels(latency));
        }
        if (only.contains("catchup")) {
            List<String> daemonFlags = options.containsKey("profile")
                    ? List.of("-XX:StartFlightRecording=filename=" + work.resolve("catchup-daemon.jfr") + ",settings=profile")
                    : List.of();
            List<Map<String, Object>> catchUp = new CatchUpScenario(bench, tuning, daemonFlags, rounds).run();
            catchUp.forEach(scenario -> withServer(scenario, server));
            scenarios.addAll(catchUp);
            targets.catchUp(catchUp.get(0)).memory(catchUp.get(1));
        }
        if (only.contains("polling")) {
            Map<String, Object> polling = withServer(new PollingScenario(bench, tuning).run(), server);
            scenarios.add(polling);
            targets.polling(polling);
            panels.add(pollingPanel(polling));
        }
        if (only.contains("idle")) {
            Map<String, Object> idle = withServer(new IdleScenario(bench, tuning).run(), server);
            scenarios.add(idle);
            targets.idle(idle);
        }
        // Last: its paced run writes more than a freshly started replica (scenario 4) could catch up with.
        if (only.contains("family")) {
            Map<String, Object> family = withServer(new FamilyScenario(bench, tuning).run(), server);
            scenarios.add(family);
            targets.family(family);
        }
        if (only.contains("celery")) {
            scenarios.add(withServer(new CeleryScenario(bench, tuning).run(), server));
        }
        if (only.contains("backfill")) {
            boolean quick = options.containsKey("quick");
            List<Long> rows = Arrays.stream(options.getOrDefault("backfill-rows", quick ? "20000" : "200000")
                    .split(",")).map(Long::valueOf).toList();
            scenarios.add(withServer(new BackfillScenario(bench, tuning, rows,
                    Integer.parseInt(options.getOrDefault("backfill-families", quick ? "500" : "2000")),
                    Integer.parseInt(options.getOrDefault("backfill-lanes", "2")),
                    Integer.parseInt(options.getOrDefault("backfill-writer-rate", "0")),
                    options.getOrDefault("backfill-writer-from", "first-row"),
                    !options.getOrDefault("backfill-marker", "on").equals("off")).run(), server));
        }
        if (only.contains("kafka")) {
            int kafkaRows = Integer.parseInt(options.getOrDefault("kafka-rows",
                    options.containsKey("quick") ? "10000" : "100000"));
            scenarios.add(withServer(new KafkaScenario(bench, tuning, kafkaRows,
                    Integer.parseInt(options.getOrDefault("kafka-rate", "1000"))).run(), server));
        }
    }

    private static Map<String, Object> withServer(Map<String, Object> scenario, String server) {
        scenario.put("server", server);
        return scenario;
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

    private static String serverVersion(LocalServer db) throws Exception {
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
