package io.cdcrunner.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cdcrunner.processor.builtin.FamilyAggregateProcessor;
import io.cdcrunner.source.ServerInfo.BinlogPosition;

/**
 * Scenario 3: the built-in {@link FamilyAggregateProcessor} draining a backlog with 1, 2 and 4 lanes (ordered
 * by the family column), on the per-family path (its contract: one computation per family per batch) and, for
 * comparison in the same run, on the per-event path ({@link PerEventFamilyProcessor}). Each run starts from the same position and writes its own summary table, which is
 * then checked against the family table.
 */
final class FamilyScenario {

    static final int ROWS_PER_TRANSACTION = 100;
    /** The per-key contract (one computation per family per batch), and the per-event path it replaces. */
    static final String PER_FAMILY = "per-family";
    static final String PER_EVENT = "per-event";
    private static final List<String> PATHS = List.of(PER_EVENT, PER_FAMILY);

    private final Bench bench;
    private final EngineTuning tuning;

    FamilyScenario(Bench bench, EngineTuning tuning) {
        this.bench = bench;
        this.tuning = tuning;
    }

    Map<String, Object> run() throws Exception {
        Sizes sizes = bench.sizes;
        Map<String, Object> scenarioSizes = new LinkedHashMap<>();
        scenarioSizes.put("sets", sizes.familySets().stream().map(set -> set[0] + " rows in " + set[1] + " families")
                .toList());
        scenarioSizes.put("rows_per_transaction", ROWS_PER_TRANSACTION);
        scenarioSizes.put("lanes", sizes.familyLanes());
        scenarioSizes.put("engine", tuning.describe());
        List<Map<String, Object>> plan = new ArrayList<>();
        for (int[] set : sizes.familySets()) {
            String table = "orders_" + set[0] + "_" + set[1];
            bench.createTable(table);
            BinlogPosition start = bench.insertBacklog(table, set[0], ROWS_PER_TRANSACTION, set[1]);
            for (String path : PATHS) {
                for (int lanes : sizes.familyLanes()) {
                    plan.add(args(table, set, path, lanes, start));
                }
            }
        }
        Map<String, Object> scenario = bench.begin("3. FamilyAggregateProcessor: drain a backlog with 1, 2, 4 lanes,"
                        + " per event and per family",
                scenarioSizes, plan.stream().map(a -> ChildJvm.describe(DrainRun.class, List.of(), a)).toList());
        List<Map<String, Object>> runs = new ArrayList<>();
        TextTable table = new TextTable("rows", "families", "path", "lanes", "start-up s", "total s",
                "events/s incl. start-up", "events/s drain", "summary rows / rows counted, differing");
        for (Map<String, Object> args : plan) {
            int lanes = (Integer) args.get("daemon.processor.threads");
            String path = (String) args.get("path");
            bench.out.printf("  draining %s rows in %s families %s with %d lane(s) ...%n", args.get("rows"),
                    args.get("families"), path, lanes);
            Map<String, Object> result = bench.runChild(args.get("name").toString(), DrainRun.class, List.of(), args,
                    Duration.ofMinutes(4));
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("rows_in_set", args.get("rows"));
            run.put("families", args.get("families"));
            run.put("path", path);
            run.put("lanes", lanes);
            run.putAll(result);
            run.put("summary_check", check(args.get("table").toString(),
                    args.get("daemon.processor.family.summary.table").toString()));
            runs.add(run);
            table.row(args.get("rows"), args.get("families"), path, lanes, result.get("startup_s"),
                    result.get("total_s"), result.get("events_per_s_incl_startup"), result.get("events_per_s_drain"),
                    run.get("summary_check"));
        }
        scenario.put("runs", runs);
        bench.end(scenario, table);
        scenario.put("paced", paced());
        return scenario;
    }

    /** The drain rate of {@code path} with {@code lanes} on the set of {@code families}, or -1 when it did not run. */
    @SuppressWarnings("unchecked")
    static double drainRate(Map<String, Object> scenario, int families, String path, int lanes) {
        for (Map<String, Object> run : (List<Map<String, Object>>) scenario.get("runs")) {
            if (((Number) run.get("families")).intValue() == families && path.equals(run.get("path"))
                    && ((Number) run.get("lanes")).intValue() == lanes) {
                return ((Number) run.get("events_per_s_drain")).doubleValue();
            }
        }
        return -1;
    }

    /** Writers of the paced run, families it writes across, and its lanes. */
    static final int PACED_WRITERS = 4;
    static final int PACED_FAMILIES = 2_000;
    static final int PACED_LANES = 2;
    private static final int PACED_WARM_UP_S = 10;
    private static final int WINDOW_S = 5;

    /**
     * A paced writer ({@value #PACED_WRITERS} connections, {@value #PACED_FAMILIES} families) while the per-family
     * path keeps the summaries: commit-to-processed latency after a warm-up, and the backlog every
     * {@value #WINDOW_S} s.
     */
    private Map<String, Object> paced() throws Exception {
        Sizes sizes = bench.sizes;
        String table = "family_paced";
        bench.createTable(table);
        String summary = "bench.family_summary_paced";
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("mode", "cdc");
        args.put("label", "family-paced");
        args.put("rate", sizes.pacedFamilyRate());
        args.put("warm.s", PACED_WARM_UP_S);
        args.put("steady.s", sizes.pacedFamilySeconds());
        args.put("writers", PACED_WRITERS);
        args.put("families", PACED_FAMILIES);
        args.put("window.s", WINDOW_S);
        args.put("table", table);
        args.put("state", bench.stateDir(table));
        args.put("server.id", bench.nextServerId());
        args.putAll(tuning.toArgs());
        args.put("daemon.processor.class", FamilyAggregateProcessor.class.getName());
        args.put("daemon.processor.family.table", "bench." + table);
        args.put("daemon.processor.family.column", "customer_id");
        args.put("daemon.processor.family.value.column", "amount");
        args.put("daemon.processor.family.id.column", "id");
        args.put("daemon.processor.family.summary.table", summary);
        args.put("daemon.processor.threads", PACED_LANES);
        args.put("daemon.processor.ordering.column", "customer_id");
        args.put("daemon.processor.read.visibility", "auto");
        Map<String, Object> sizesOfRun = new LinkedHashMap<>();
        sizesOfRun.put("rate_per_s", sizes.pacedFamilyRate());
        sizesOfRun.put("writers", PACED_WRITERS);
        sizesOfRun.put("families", PACED_FAMILIES);
        sizesOfRun.put("warm_up_s", PACED_WARM_UP_S);
        sizesOfRun.put("steady_s", sizes.pacedFamilySeconds());
        sizesOfRun.put("lanes", PACED_LANES);
        sizesOfRun.put("engine", tuning.describe());
        Map<String, Object> scenario = bench.begin("3b. FamilyAggregateProcessor under a paced writer: latency and"
                + " backlog", sizesOfRun, List.of(ChildJvm.describe(LatencyRun.class, List.of(), args)));
        bench.out.printf("  writing %d rows/s from %d connections across %d families ...%n", sizes.pacedFamilyRate(),
                PACED_WRITERS, PACED_FAMILIES);
        Map<String, Object> result = bench.runChild("family-paced", LatencyRun.class, List.of(), args,
                Duration.ofSeconds(PACED_WARM_UP_S + sizes.pacedFamilySeconds() + 150));
        scenario.putAll(result);
        scenario.put("summary_mismatches", mismatches(table, summary));
        TextTable lag = new TextTable("t s", "committed", "processed", "backlog", "p99 ms of the window's rows");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> windows = (List<Map<String, Object>>) result.get("windows");
        for (Map<String, Object> window : windows) {
            lag.row(window.get("t_s"), window.get("committed"), window.get("processed"), window.get("backlog"),
                    window.get("p99_ms"));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> warm = (Map<String, Object>) result.get("warm");
        @SuppressWarnings("unchecked")
        Map<String, Object> steady = (Map<String, Object>) result.get("steady");
        bench.out.printf("  achieved %s rows/s; warm-up p50 %s / p99 %s ms; steady p50 %s / p99 %s / max %s ms;"
                        + " missing %s; summaries differing from SQL: %s%n", result.get("achieved_rate"),
                warm.get("p50_ms"), warm.get("p99_ms"), steady.get("p50_ms"), steady.get("p99_ms"),
                steady.get("max_ms"), result.get("missing"), scenario.get("summary_mismatches"));
        bench.end(scenario, lag);
        return scenario;
    }

    /** Families whose summary row is missing or differs from a SQL recomputation of the family table. */
    private long mismatches(String table, String summary) throws Exception {
        return mismatches(bench, table, summary);
    }

    static long mismatches(Bench bench, String table, String summary) throws Exception {
        try (Connection c = bench.db.rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM (SELECT customer_id AS k, COUNT(*) AS n, SUM(amount)"
                     + " AS total, MAX(id) AS top FROM bench." + table + " GROUP BY customer_id) r LEFT JOIN " + summary
                     + " m ON m.family_key = r.k WHERE m.family_key IS NULL OR m.row_count <> r.n"
                     + " OR m.value_sum <> r.total OR m.max_id <> r.top")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * "families / rows" the summary table accounts for (equal to the sizes when every event was processed), and how
     * many summaries differ from a SQL recomputation.
     */
    private String check(String familyTable, String summaryTable) throws Exception {
        return check(bench, familyTable, summaryTable);
    }

    /** As {@link #check(String, String)}, for another scenario's family table ({@code bench.<familyTable>}). */
    static String check(Bench bench, String familyTable, String summaryTable) throws Exception {
        try (Connection c = bench.db.rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*), COALESCE(SUM(row_count), 0) FROM " + summaryTable)) {
            rs.next();
            return rs.getLong(1) + " / " + rs.getLong(2) + ", " + mismatches(bench, familyTable, summaryTable)
                    + " differ";
        }
    }

    private Map<String, Object> args(String table, int[] set, String path, int lanes, BinlogPosition start)
            throws java.io.IOException {
        String name = "family-" + set[1] + "-" + path + "-" + lanes;
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("mode", "cdc");
        args.put("name", name);
        args.put("table", table);
        args.put("rows", set[0]);
        args.put("families", set[1]);
        args.put("state", bench.stateDir(name));
        args.put("start.file", start.file());
        args.put("start.pos", start.position());
        args.put("start.gtid", start.gtidSet() == null ? "" : start.gtidSet());
        args.put("server.id", bench.nextServerId());
        args.put("timeout.s", 220);
        args.putAll(tuning.toArgs());
        args.put("path", path);
        args.put("daemon.processor.class", path.equals(PER_FAMILY) ? FamilyAggregateProcessor.class.getName()
                : PerEventFamilyProcessor.class.getName());
        args.put("daemon.processor.family.table", "bench." + table);
        args.put("daemon.processor.family.column", "customer_id");
        args.put("daemon.processor.family.value.column", "amount");
        args.put("daemon.processor.family.id.column", "id");
        args.put("daemon.processor.family.summary.table", "bench.family_summary_" + set[1] + "_" + path.replace('-', '_')
                + "_" + lanes);
        args.put("daemon.processor.threads", lanes);
        args.put("daemon.processor.ordering.column", "customer_id");
        args.put("daemon.processor.jdbc.pool.size", Math.max(4, lanes));
        // The processor reads the family on the primary: it needs the barrier whatever the no-op runs use.
        args.put("daemon.processor.read.visibility", "auto");
        return args;
    }
}
