package io.cdcrunner.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cdcrunner.baseline.ReplicaPollingBaseline;
import io.cdcrunner.localdb.LocalServer;

/**
 * Scenario 4: against a replica that applies each transaction {@code delay} seconds late, at the same write
 * rate, (a) the polling reader of {@link ReplicaPollingBaseline} and (b) the daemon whose processor reads each
 * event's row from the replica behind the visibility barrier ({@link ReplicaRowReader}), with the engine
 * settings of the other scenarios. The replica's own count of SELECT statements ({@code Com_select}) is read before and after each
 * run, so both sides are counted the same way.
 */
final class PollingScenario {

    private static final int READERS = 4;

    private final Bench bench;
    private final EngineTuning tuning;

    PollingScenario(Bench bench, EngineTuning tuning) {
        this.bench = bench;
        this.tuning = tuning;
    }

    Map<String, Object> run() throws Exception {
        Sizes sizes = bench.sizes;
        int rate = sizes.pollingRate();
        int delay = sizes.replicaDelaySeconds();
        bench.out.printf("%n  starting a replica that applies each transaction %d s late ...%n", delay);
        try (LocalServer replica = bench.db.startReplica(bench.db.serverId() + 1, delay)) {
            try (Connection c = bench.db.rootConnection()) {
                ReplicaPollingBaseline.createTable(c, "bench.polled");
            }
            bench.createTable("replica_read");
            replica.awaitCaughtUpWith(bench.db, Duration.ofSeconds(60));

            Map<String, Object> sizesJson = new LinkedHashMap<>();
            sizesJson.put("rate_per_s", rate);
            sizesJson.put("seconds", sizes.pollingSeconds());
            sizesJson.put("replica_delay_s", delay);
            sizesJson.put("polling", "1 writer; " + READERS + " reader threads polling by id, 10 ms doubling to 1 s");
            sizesJson.put("cdc_runner", "processor reads each event's row from the replica (processor.read.url, "
                    + "visibility auto) after the barrier");
            sizesJson.put("engine", tuning.describe());
            Map<String, Object> pollingArgs = new LinkedHashMap<>();
            pollingArgs.put("replica.port", replica.port());
            pollingArgs.put("table", "bench.polled");
            pollingArgs.put("rate", rate);
            pollingArgs.put("seconds", sizes.pollingSeconds());
            pollingArgs.put("readers", READERS);
            Map<String, Object> daemonArgs = daemonArgs(replica, "replica_read");
            Map<String, Object> scenario = bench.begin("4. Polling baseline vs cdc-runner against a lagging replica",
                    sizesJson, List.of(ChildJvm.describe(PollingRun.class, List.of(), pollingArgs),
                            ChildJvm.describe(LatencyRun.class, List.of(), daemonArgs)));

            List<Map<String, Object>> runs = new ArrayList<>();
            runs.add(measure(replica, "polling", "polling reader", PollingRun.class, pollingArgs));
            runs.add(measure(replica, "replica", "cdc-runner", LatencyRun.class, daemonArgs));
            scenario.put("runs", runs);

            TextTable table = new TextTable("reader", "records", "p50 ms", "p99 ms", "p99.9 ms", "max ms",
                    "visibility queries/record", "replica SELECTs/record", "stale reads");
            for (Map<String, Object> run : runs) {
                @SuppressWarnings("unchecked")
                Map<String, Object> all = (Map<String, Object>) run.get("all");
                table.row(run.get("reader"), run.get("records"), all.get("p50_ms"), all.get("p99_ms"),
                        all.get("p99_9_ms"), all.get("max_ms"), run.get("visibility_queries_per_record"),
                        run.get("replica_selects_per_record"), run.get("stale_reads"));
            }
            scenario.put("comparison", compare(runs.get(0), runs.get(1)));
            bench.end(scenario, table);
            bench.out.println("polling / cdc-runner: " + scenario.get("comparison"));
            return scenario;
        }
    }

    private Map<String, Object> daemonArgs(LocalServer replica, String table) throws java.io.IOException {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("mode", "cdc");
        args.put("rate", bench.sizes.pollingRate());
        args.put("warm.s", bench.sizes.warmSeconds());
        args.put("steady.s", Math.max(1, bench.sizes.pollingSeconds() - bench.sizes.warmSeconds()));
        args.put("table", table);
        args.put("state", bench.stateDir(table));
        args.put("server.id", bench.nextServerId());
        args.putAll(tuning.toArgs());
        args.put("daemon.processor.class", ReplicaRowReader.class.getName());
        args.put("daemon.processor.table", Source.DATABASE + "." + table);
        args.put("daemon.processor.read.url", replica.jdbcUrl(Source.DATABASE));
        args.put("daemon.processor.read.visibility", "auto");
        return args;
    }

    private Map<String, Object> measure(LocalServer replica, String name, String reader, Class<?> main,
                                        Map<String, Object> args) throws Exception {
        bench.out.printf("  running %s ...%n", reader);
        long selectsBefore = selects(replica);
        Map<String, Object> result = bench.runChild("polling-" + name, main, List.of(), args, Duration.ofMinutes(3));
        long selects = selects(replica) - selectsBefore;
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("reader", reader);
        run.putAll(result);
        // The daemon's side also processed the probe rows written until the first event came through.
        long records = result.containsKey("records") ? ((Number) result.get("records")).longValue()
                : ((Number) result.get("rows")).longValue() + ((Number) result.get("probe_rows")).longValue();
        run.put("records", records);
        run.put("replica_selects", selects);
        run.put("replica_selects_per_record", round((double) selects / records));
        if (result.containsKey("queries")) {
            // Every poll is a visibility query; the one that finds the row is also the read.
            run.put("visibility_queries_per_record", result.get("queries_per_record"));
            run.put("stale_reads", 0);
        } else {
            @SuppressWarnings("unchecked")
            Map<String, Object> v = (Map<String, Object>) result.get("visibility");
            long barrier = ((Number) v.get("waits")).longValue() + ((Number) v.get("row_confirmations")).longValue();
            run.put("visibility_queries_per_record", round((double) barrier / records));
            run.put("stale_reads", v.get("reader_stale_reads"));
        }
        return run;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> compare(Map<String, Object> polling, Map<String, Object> daemon) {
        Map<String, Object> c = new LinkedHashMap<>();
        double pollingVisibility = ((Number) polling.get("visibility_queries_per_record")).doubleValue();
        double daemonVisibility = ((Number) daemon.get("visibility_queries_per_record")).doubleValue();
        c.put("visibility_queries_ratio", round(pollingVisibility / Math.max(daemonVisibility, 1e-9)));
        c.put("replica_selects_ratio", round(((Number) polling.get("replica_selects_per_record")).doubleValue()
                / ((Number) daemon.get("replica_selects_per_record")).doubleValue()));
        double pollingP99 = ((Number) ((Map<String, Object>) polling.get("all")).get("p99_ms")).doubleValue();
        double daemonP99 = ((Number) ((Map<String, Object>) daemon.get("all")).get("p99_ms")).doubleValue();
        c.put("polling_p99_ms", pollingP99);
        c.put("cdc_runner_p99_ms", daemonP99);
        c.put("p99_ratio", Math.round(daemonP99 / pollingP99 * 1000) / 1000.0);
        return c;
    }

    private static long selects(LocalServer server) throws Exception {
        try (Connection c = server.rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE 'Com_select'")) {
            rs.next();
            return rs.getLong(2);
        }
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
