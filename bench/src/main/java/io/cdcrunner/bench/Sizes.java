package io.cdcrunner.bench;

import java.util.List;

/**
 * How much each scenario writes. The defaults are the sizes and fit a 2-core machine in 15 minutes;
 * {@code --quick} shrinks them for trying the harness out.
 */
record Sizes(List<Integer> rates, int warmSeconds, int steadySeconds, long catchUpRows, List<int[]> familySets,
             List<Integer> familyLanes, int pollingRate, int pollingSeconds, int replicaDelaySeconds,
             int pacedFamilyRate, int pacedFamilySeconds) {

    static Sizes defaults() {
        return new Sizes(List.of(100, 1_000, 5_000), 5, 20, 1_000_000,
                List.of(new int[] {20_000, 2_000}, new int[] {100_000, 500}), List.of(1, 2, 4), 100, 20, 2,
                5_000, 60);
    }

    Sizes withCatchUpRows(long rows) {
        return new Sizes(rates, warmSeconds, steadySeconds, rows, familySets, familyLanes, pollingRate,
                pollingSeconds, replicaDelaySeconds, pacedFamilyRate, pacedFamilySeconds);
    }

    Sizes withRates(List<Integer> newRates) {
        return new Sizes(newRates, warmSeconds, steadySeconds, catchUpRows, familySets, familyLanes,
                pollingRate, pollingSeconds, replicaDelaySeconds, pacedFamilyRate, pacedFamilySeconds);
    }

    Sizes withSteadySeconds(int seconds) {
        return new Sizes(rates, warmSeconds, seconds, catchUpRows, familySets, familyLanes, pollingRate,
                pollingSeconds, replicaDelaySeconds, pacedFamilyRate, pacedFamilySeconds);
    }

    /** Scenario 3 with one set: {@code rows} rows in {@code families} families. */
    Sizes withFamilies(int rows, int families) {
        return new Sizes(rates, warmSeconds, steadySeconds, catchUpRows, List.<int[]>of(new int[] {rows, families}),
                familyLanes, pollingRate, pollingSeconds, replicaDelaySeconds, pacedFamilyRate, pacedFamilySeconds);
    }

    /** Scenario 3's paced run: {@code rate} inserts/s for {@code seconds} after its warm-up. */
    Sizes withPacedFamily(int rate, int seconds) {
        return new Sizes(rates, warmSeconds, steadySeconds, catchUpRows, familySets, familyLanes, pollingRate,
                pollingSeconds, replicaDelaySeconds, rate, seconds);
    }

    static Sizes quick() {
        return new Sizes(List.of(100, 1_000, 5_000), 5, 5, 100_000, List.<int[]>of(new int[] {5_000, 500}),
                List.of(1, 2, 4), 100, 10, 2, 2_000, 10);
    }

    /** How long the idle scenario measures: 30 s, 10 s with {@code --quick}. */
    int idleSeconds() {
        return steadySeconds >= 20 ? 30 : 10;
    }
}
