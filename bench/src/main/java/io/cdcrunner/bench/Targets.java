package io.cdcrunner.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The targets, checked against this run's figures. */
final class Targets {

    private final List<Map<String, Object>> checks = new ArrayList<>();
    private String server;

    /** Names {@code server} in the targets checked from now on (null: the first server, named in the heading). */
    Targets server(String name) {
        this.server = name;
        return this;
    }

    List<Map<String, Object>> checks() {
        return checks;
    }

    @SuppressWarnings("unchecked")
    Targets latency(Map<String, Object> scenario) {
        List<Map<String, Object>> runs = (List<Map<String, Object>>) scenario.get("runs");
        Map<String, Object> daemon1000 = find(runs, LatencyScenario.DAEMON, 1_000);
        Map<String, Object> bare1000 = find(runs, LatencyScenario.BARE, 1_000);
        Map<String, Object> daemon5000 = find(runs, LatencyScenario.DAEMON, 5_000);
        if (daemon1000 != null) {
            atMost("steady p50 at 1,000/s (ms)", stat(daemon1000, "steady", "p50_ms"), 2.0);
            atMost("steady p99 at 1,000/s (ms)", stat(daemon1000, "steady", "p99_ms"), 5.0);
            if (bare1000 != null) {
                double ratio = stat(daemon1000, "steady", "p99_ms") / stat(bare1000, "steady", "p99_ms");
                atMost("steady p99 at 1,000/s, cdc-runner / bare Debezium (bare: "
                        + stat(bare1000, "steady", "p99_ms") + " ms)", round(ratio), 1.5);
            }
        }
        Map<String, Object> barrier1000 = find(runs, LatencyScenario.DAEMON_BARRIER, 1_000);
        if (barrier1000 != null) {
            atMost("steady p99 at 1,000/s with the default read barrier (primary-lock) (ms)",
                    stat(barrier1000, "steady", "p99_ms"), 5.0);
        }
        if (daemon5000 != null) {
            atMost("steady p99 at 5,000/s (ms)", stat(daemon5000, "steady", "p99_ms"), 10.0);
        }
        for (Map<String, Object> run : runs) {
            if (LatencyScenario.DAEMON.equals(run.get("engine"))) {
                atMost(String.format("warm-up (first 5 s) p99 at %,d/s (ms)", ((Number) run.get("rate")).intValue()),
                        stat(run, "warm", "p99_ms"), 50.0);
            }
        }
        for (Map<String, Object> run : runs) {
            if (LatencyScenario.DAEMON_AOT.equals(run.get("engine"))) {
                atMost(String.format("warm-up (first 5 s) p99 at %,d/s, Java 25 + AOT cache (ms)",
                        ((Number) run.get("rate")).intValue()), stat(run, "warm", "p99_ms"), 50.0);
            }
        }
        Map<String, Object> aot1000 = find(runs, LatencyScenario.DAEMON_AOT, 1_000);
        if (aot1000 != null) {
            atMost("steady p99 at 1,000/s, Java 25 + AOT cache (ms)", stat(aot1000, "steady", "p99_ms"), 5.0);
        }
        return this;
    }

    @SuppressWarnings("unchecked")
    Targets catchUp(Map<String, Object> scenario) {
        Map<String, Object> ratios = (Map<String, Object>) scenario.get("daemon_vs_bare");
        List<Map<String, Object>> runs = (List<Map<String, Object>>) scenario.get("runs");
        for (String baseline : List.of(LatencyScenario.BARE_JSON, LatencyScenario.BARE)) {
            Map<String, Object> against = (Map<String, Object>) ratios.get(baseline);
            for (String key : List.of("events_per_s_incl_startup", "events_per_s_drain")) {
                atLeast(String.format("catch-up events/s %s, cdc-runner / %s (%,.0f / %,.0f)",
                                key.endsWith("startup") ? "incl. start-up" : "drain only", baseline,
                                CatchUpScenario.median(runs, LatencyScenario.DAEMON, key),
                                CatchUpScenario.median(runs, baseline, key)),
                        ((Number) against.get(key)).doubleValue(), 1.0);
            }
        }
        return this;
    }

    @SuppressWarnings("unchecked")
    Targets memory(Map<String, Object> scenario) {
        double peak = 0;
        for (Map<String, Object> run : (List<Map<String, Object>>) scenario.get("runs")) {
            if (LatencyScenario.DAEMON.equals(run.get("engine"))) {
                Map<String, Object> m = (Map<String, Object>) run.get("memory");
                peak = Math.max(peak, ((Number) m.get("heap_peak_used_mb")).doubleValue());
            }
        }
        below("cdc-runner heap peak during the catch-up, -Xmx256m (MB)", peak, 256.0);
        return this;
    }

    /**
     * Issue 13: on the 500-family set the per-family path drains at least 5,000 events/s and 3x the per-event path
     * at each lane count; under the paced writer the steady p99 stays within 250 ms and the backlog does not grow
     * (at no 5 s mark of the steady phase more than one second of writes behind).
     */
    @SuppressWarnings("unchecked")
    Targets family(Map<String, Object> scenario) {
        for (int lanes : List.of(1, 2, 4)) {
            double perFamily = FamilyScenario.drainRate(scenario, 500, FamilyScenario.PER_FAMILY, lanes);
            double perEvent = FamilyScenario.drainRate(scenario, 500, FamilyScenario.PER_EVENT, lanes);
            if (perFamily < 0 || perEvent <= 0) {
                continue;
            }
            atLeast(String.format("family drain, 500 families, %d lane(s), per family (events/s)", lanes), perFamily,
                    5_000.0);
            atLeast(String.format("family drain, 500 families, %d lane(s), per family / per event (%,.0f / %,.0f)",
                    lanes, perFamily, perEvent), round(perFamily / perEvent), 3.0);
        }
        Map<String, Object> paced = (Map<String, Object>) scenario.get("paced");
        if (paced != null) {
            Map<String, Object> sizes = (Map<String, Object>) paced.get("sizes");
            int rate = ((Number) sizes.get("rate_per_s")).intValue();
            int warmUp = ((Number) sizes.get("warm_up_s")).intValue();
            atMost(String.format("paced %,d/s across %s families, steady p99 (ms)", rate, sizes.get("families")),
                    stat(paced, "steady", "p99_ms"), 250.0);
            long worst = 0;
            long rows = ((Number) paced.get("rows")).longValue();
            for (Map<String, Object> window : (List<Map<String, Object>>) paced.get("windows")) {
                boolean writing = ((Number) window.get("committed")).longValue() < rows;
                if (((Number) window.get("t_s")).longValue() > warmUp && writing) {
                    worst = Math.max(worst, ((Number) window.get("backlog")).longValue());
                }
            }
            atMost(String.format("paced %,d/s, largest backlog at a 5 s mark after the warm-up (rows)", rate), worst,
                    rate);
            atMost("paced run: rows missing + summaries differing from SQL", ((Number) paced.get("missing")).longValue()
                    + ((Number) paced.get("summary_mismatches")).longValue(), 0.0);
        }
        return this;
    }

    @SuppressWarnings("unchecked")
    Targets polling(Map<String, Object> scenario) {
        Map<String, Object> cmp = (Map<String, Object>) scenario.get("comparison");
        atLeast("visibility queries per record, polling / cdc-runner",
                ((Number) cmp.get("visibility_queries_ratio")).doubleValue(), 10.0);
        atLeast("all replica SELECTs per record (incl. the reader's own read), polling / cdc-runner",
                ((Number) cmp.get("replica_selects_ratio")).doubleValue(), 10.0);
        atMost(String.format("p99 against the lagging replica, cdc-runner / polling (%.0f / %.0f ms)",
                        ((Number) cmp.get("cdc_runner_p99_ms")).doubleValue(),
                        ((Number) cmp.get("polling_p99_ms")).doubleValue()),
                ((Number) cmp.get("p99_ratio")).doubleValue(), 0.99);
        return this;
    }

    @SuppressWarnings("unchecked")
    Targets idle(Map<String, Object> scenario) {
        for (Map<String, Object> run : (List<Map<String, Object>>) scenario.get("runs")) {
            if (!LatencyScenario.BARE.equals(run.get("engine"))) {
                atMost(String.format("idle CPU, %s, poll interval %s (%% of one core)", run.get("engine"),
                        run.get("poll_interval")), ((Number) run.get("cpu_percent_of_core")).doubleValue(), 1.0);
            }
        }
        return this;
    }

    private void atMost(String what, double value, double limit) {
        add(what, value, "<= " + limit, value <= limit ? "holds" : "MISSED");
    }

    private void below(String what, double value, double limit) {
        add(what, value, "< " + limit, value < limit ? "holds" : "MISSED");
    }

    private void atLeast(String what, double value, double limit) {
        add(what, value, ">= " + limit, value >= limit ? "holds" : "MISSED");
    }

    private void add(String what, double value, String limit, String verdict) {
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("target", server == null ? what : server + ": " + what);
        check.put("measured", value);
        check.put("limit", limit);
        check.put("result", verdict);
        checks.add(check);
    }

    TextTable table() {
        TextTable table = new TextTable("target", "measured", "limit", "result");
        for (Map<String, Object> c : checks) {
            table.row(c.get("target"), c.get("measured"), c.get("limit"), c.get("result"));
        }
        return table;
    }

    private static Map<String, Object> find(List<Map<String, Object>> runs, String engine, int rate) {
        return runs.stream().filter(r -> engine.equals(r.get("engine")) && ((Number) r.get("rate")).intValue() == rate)
                .findFirst().orElse(null);
    }

    @SuppressWarnings("unchecked")
    private static double stat(Map<String, Object> run, String phase, String key) {
        return ((Number) ((Map<String, Object>) run.get(phase)).get(key)).doubleValue();
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
