package io.cdcrunner.metrics;

/** Short human forms of durations for log lines and {@code cdc-runner status}: {@code 850 ms}, {@code 2 m 5 s}. */
public final class Durations {

    private Durations() {
    }

    public static String format(long millis) {
        if (millis < 1_000) {
            return millis + " ms";
        }
        long seconds = millis / 1_000;
        if (seconds < 60) {
            return millis < 10_000 ? String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0) : seconds + " s";
        }
        if (seconds < 3_600) {
            return seconds / 60 + " m " + seconds % 60 + " s";
        }
        if (seconds < 86_400) {
            return seconds / 3_600 + " h " + seconds % 3_600 / 60 + " m";
        }
        return seconds / 86_400 + " d " + seconds % 86_400 / 3_600 + " h";
    }
}
