package io.cdcrunner.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.cdcrunner.binlog.backfill.BackfillMXBean;
import io.cdcrunner.binlog.backfill.BackfillRun;
import io.cdcrunner.metrics.Durations;

/**
 * What {@code cdc-runner snapshot --status} shows: every attribute of a pipeline's {@link BackfillMXBean}, read once.
 * Serialized as is by {@code snapshot --status --json} and as the {@code backfill} object of {@code status --json}.
 */
record BackfillReport(String pipeline, String runId, String state, String reason, String where, List<String> tables,
                      long rowsDelivered, long chunksRead, double rowsPerSecond, long estimatedSecondsLeft,
                      List<String> problems, List<String> queued, List<String> recentRuns) {

    /** The state of a pipeline that has had no backfill. */
    static final String NONE = "NONE";

    /** Reads every attribute of the bean (a proxy over a JMX connection). */
    static BackfillReport of(String pipeline, BackfillMXBean bean) {
        return new BackfillReport(pipeline, bean.getRunId(), bean.getState(), bean.getReason(), bean.getWhere(),
                lines(bean.getTables()), bean.getRowsDelivered(), bean.getChunksRead(), bean.getRowsPerSecond(),
                bean.getEstimatedSecondsLeft(), lines(bean.getProblems()), lines(bean.getQueued()),
                lines(bean.getRecentRuns()));
    }

    private static List<String> lines(String[] lines) {
        return lines == null ? List.of() : List.of(lines);
    }

    /** Whether there has been a run at all. */
    boolean any() {
        return !NONE.equals(state);
    }

    /** The human form: the run, one line per aspect. */
    String render() {
        StringBuilder text = new StringBuilder();
        if (!any()) {
            text.append("pipeline '").append(pipeline).append("' has had no backfill");
            text.append(queued.isEmpty() ? "" : "; queued: " + String.join("; ", queued)).append('\n');
            return text.toString();
        }
        text.append("backfill ").append(runId).append(" of pipeline '").append(pipeline).append("': ").append(state)
                .append('\n');
        line(text, "reason", reason);
        line(text, "where", where.isEmpty() ? "every row" : where);
        lines(text, "tables", tables);
        line(text, "rows delivered", String.format(Locale.ROOT, "%,d", rowsDelivered));
        line(text, "chunks read", String.format(Locale.ROOT, "%,d", chunksRead));
        line(text, "rate", String.format(Locale.ROOT, "%.1f rows/s", rowsPerSecond));
        line(text, "time left", timeLeft());
        lines(text, "problems", problems);
        lines(text, "queued", queued);
        lines(text, "recent runs", recentRuns);
        return text.toString();
    }

    /** The line {@code status} adds for a pipeline that has had a backfill. */
    String summary() {
        StringBuilder text = new StringBuilder();
        line(text, "backfill", runId + " " + state + String.format(Locale.ROOT, ", %,d rows delivered", rowsDelivered)
                + (open() ? ", time left " + timeLeft() : "")
                + (queued.isEmpty() ? "" : ", " + queued.size() + " queued"));
        return text.toString();
    }

    /** Whether the run shown has not ended. */
    private boolean open() {
        return Arrays.stream(BackfillRun.State.values()).anyMatch(s -> s.name().equals(state) && !s.isFinal());
    }

    private String timeLeft() {
        if (estimatedSecondsLeft < 0) {
            return "unknown";
        }
        return "about " + (estimatedSecondsLeft < 60 ? estimatedSecondsLeft + " s"
                : Durations.format(estimatedSecondsLeft * 1000));
    }

    private static void lines(StringBuilder text, String label, List<String> values) {
        if (values.isEmpty()) {
            line(text, label, "none");
            return;
        }
        for (int i = 0; i < values.size(); i++) {
            line(text, i == 0 ? label : "", values.get(i));
        }
    }

    private static void line(StringBuilder text, String label, String value) {
        text.append(String.format(Locale.ROOT, "  %-20s %s%n", label, value));
    }
}
