package io.cdcrunner.metrics;

import java.util.Locale;

/**
 * What {@code cdc-runner status} shows: every attribute of a {@link PipelineMXBean}, read once. Serialized as is by
 * {@code status --json}.
 */
public record StatusReport(String pipeline, String state, boolean healthy, boolean paused, long millisBehindSource,
                           double eventsPerSecond, long eventsReceived, long eventsProcessed, long inFlight,
                           long eventsFailed, long eventsRetried, long eventsDeadLettered,
                           long eventsSkippedAsDuplicates, LatencySnapshot processingTimeMillis,
                           LatencySnapshot commitToProcessedMillis, String lastProcessedPosition,
                           String lastProcessedGtid, String lastError, long failingForSeconds, long uptimeSeconds,
                           java.util.List<String> sourcePartitions, String sourceServer, String sourceServerSince) {

    /** Reads every attribute of the bean (a proxy over a JMX connection, or the bean itself). */
    public static StatusReport of(PipelineMXBean bean) {
        return new StatusReport(bean.getPipelineName(), bean.getState(), bean.isHealthy(), bean.isPaused(),
                bean.getMillisBehindSource(), bean.getEventsPerSecond(), bean.getEventsReceived(),
                bean.getEventsProcessed(), bean.getInFlight(), bean.getEventsFailed(), bean.getEventsRetried(),
                bean.getEventsDeadLettered(), bean.getEventsSkippedAsDuplicates(), bean.getProcessingTimeMillis(),
                bean.getCommitToProcessedMillis(), bean.getLastProcessedPosition(), bean.getLastProcessedGtid(),
                bean.getLastError(), bean.getFailingForSeconds(), bean.getUptimeSeconds(),
                bean.getSourcePartitions() == null ? java.util.List.of() : java.util.List.of(bean.getSourcePartitions()),
                orEmpty(bean.getSourceServer()), orEmpty(bean.getSourceServerSince()));
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    /** The human form: one line per aspect. */
    public String render() {
        StringBuilder text = new StringBuilder();
        text.append("pipeline '").append(pipeline).append("': ").append(state)
                .append(paused ? " (paused)" : "").append(healthy ? ", healthy" : ", NOT healthy").append('\n');
        line(text, "behind source", Durations.format(millisBehindSource));
        line(text, "rate", String.format(Locale.ROOT, "%.1f events/s (last 10 s)", eventsPerSecond));
        line(text, "events", String.format(Locale.ROOT, "received %,d, processed %,d, in flight %,d",
                eventsReceived, eventsProcessed, inFlight));
        line(text, "failures", String.format(Locale.ROOT,
                "failed attempts %,d, retried %,d, dead-lettered %,d, duplicates skipped %,d",
                eventsFailed, eventsRetried, eventsDeadLettered, eventsSkippedAsDuplicates));
        line(text, "processing time", latency(processingTimeMillis));
        line(text, "commit-to-processed", latency(commitToProcessedMillis) + ", commit times have 1 s resolution");
        line(text, "last position", lastProcessedPosition.isEmpty() ? "none yet"
                : lastProcessedPosition + (lastProcessedGtid.isEmpty() ? "" : ", GTID " + lastProcessedGtid));
        if (!sourceServer.isEmpty()) {
            line(text, "source server", sourceServer + (sourceServerSince.isEmpty() ? "" : " since "
                    + sourceServerSince));
        }
        if (!sourcePartitions.isEmpty()) {
            line(text, "partitions", sourcePartitions.size() + " owned: " + String.join(", ", sourcePartitions));
        }
        line(text, "uptime", uptimeSeconds < 60 ? uptimeSeconds + " s" : Durations.format(uptimeSeconds * 1000));
        line(text, "last error", lastError.isEmpty() ? "none" : lastError);
        return text.toString();
    }

    private static String latency(LatencySnapshot l) {
        if (l.getCount() == 0) {
            return "no events in the last minute";
        }
        return String.format(Locale.ROOT, "p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms "
                + "(%,d events, last minute)", l.getP50(), l.getP95(), l.getP99(), l.getP999(), l.getMax(), l.getCount());
    }

    private static void line(StringBuilder text, String label, String value) {
        text.append(String.format(Locale.ROOT, "  %-20s %s%n", label, value));
    }
}
