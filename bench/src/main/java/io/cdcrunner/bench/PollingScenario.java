package io.cdcrunner.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Scenario 4: the polling reader against cdc-runner with its visibility barrier, on a lagging replica.
 * Pending: it needs the polling baseline ({@code io.cdcrunner.baseline}), the replica harness and the
 * visibility barrier, which are not in this build yet.
 */
final class PollingScenario {

    private final Bench bench;

    PollingScenario(Bench bench) {
        this.bench = bench;
    }

    Map<String, Object> run() {
        Map<String, Object> scenario = new LinkedHashMap<>();
        scenario.put("title", "4. Polling baseline vs cdc-runner against a lagging replica");
        scenario.put("status", "pending");
        scenario.put("reason", "needs io.cdcrunner.baseline (the polling reader), the replica harness in LocalMariaDb "
                + "and the visibility barrier (processor.read.*), not in this build yet");
        bench.out.println();
        bench.out.println("== " + scenario.get("title"));
        bench.out.println("PENDING: " + scenario.get("reason"));
        return scenario;
    }
}
