package io.cdcrunner.metrics;

import java.time.Clock;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.core.PipelineState;

/**
 * Progress lines, every ten seconds while there is progress to tell: during an initial snapshot (rows done of the
 * estimated total, rate, time left) and while streaming far behind the source (lag, how fast it shrinks, time
 * left), then one line when the pipeline has caught up.
 */
final class ProgressLog {

    private static final Logger log = LoggerFactory.getLogger(ProgressLog.class);
    /** Lag from which the pipeline counts as catching up. */
    static final long CATCHING_UP_MILLIS = 10_000;

    private final String pipeline;
    private final Supplier<PipelineState> state;
    private final LongSupplier snapshotRows;
    private final PipelineMXBean metrics;
    private final SnapshotSource snapshotSource;
    private final Clock clock;
    private PipelineState lastState;
    private long lastAt;
    private long lastRows;
    private long snapshotTotal = -2;
    private long snapshotStarted;
    private long lastLag;
    private boolean catchingUp;
    private boolean snapshotReported;

    /** What the connector knows about its snapshot. */
    interface SnapshotSource {
        /** The server's estimate of the rows the snapshot reads, -1 if unknown; asked once per snapshot. */
        long estimatedRows();

        /** Whether Debezium finished reading it (the pipeline turns STREAMING only with the next binlog event). */
        boolean completed();
    }

    /**
     * @param pipeline     its name, for the log lines
     * @param state        the pipeline's state
     * @param snapshotRows snapshot rows finished so far
     */
    ProgressLog(String pipeline, Supplier<PipelineState> state, LongSupplier snapshotRows, PipelineMXBean metrics,
                SnapshotSource snapshotSource, Clock clock) {
        this.pipeline = pipeline;
        this.state = state;
        this.snapshotRows = snapshotRows;
        this.metrics = metrics;
        this.snapshotSource = snapshotSource;
        this.clock = clock;
        this.lastAt = clock.millis();
    }

    /** Called every ten seconds by the monitoring timer. */
    void report() {
        long now = clock.millis();
        PipelineState state = this.state.get();
        if (state == PipelineState.SNAPSHOTTING && !snapshotReported) {
            snapshot(now);
        } else if (lastState == PipelineState.SNAPSHOTTING && state == PipelineState.STREAMING && !snapshotReported) {
            snapshotDone(now);
        }
        if (state == PipelineState.STREAMING) {
            streaming(now);
        }
        lastState = state;
        lastAt = now;
    }

    private void snapshotDone(long now) {
        log.info("pipeline '{}' snapshot done: {} rows in about {}", pipeline, count(snapshotRows.getAsLong()),
                Durations.format(now - snapshotStarted));
        snapshotReported = true;
    }

    private void snapshot(long now) {
        long rows = snapshotRows.getAsLong();
        if (lastState != PipelineState.SNAPSHOTTING) {
            // It began between the last report (or the start) and this one; the rate counts from then.
            snapshotStarted = lastAt;
            lastRows = 0;
        }
        if (snapshotSource.completed() && metrics.getInFlight() == 0) {
            snapshotDone(now);
            return;
        }
        if (snapshotTotal == -2) {
            snapshotTotal = snapshotSource.estimatedRows();
        }
        double perSecond = now > lastAt ? (rows - lastRows) * 1000.0 / (now - lastAt) : 0;
        StringBuilder line = new StringBuilder("snapshot: ").append(count(rows));
        if (snapshotTotal > rows) {
            line.append(" of about ").append(count(snapshotTotal)).append(" rows (")
                    .append(rows * 100 / snapshotTotal).append("%)");
        } else {
            line.append(" rows");
        }
        line.append(", ").append(count(Math.round(perSecond))).append(" rows/s");
        if (snapshotTotal > rows && perSecond > 0) {
            line.append(", about ").append(Durations.format(Math.round((snapshotTotal - rows) / perSecond * 1000)))
                    .append(" left");
        }
        log.info("pipeline '{}' {}", pipeline, line);
        lastRows = rows;
    }

    private void streaming(long now) {
        long lag = metrics.getMillisBehindSource();
        if (lag >= CATCHING_UP_MILLIS) {
            StringBuilder line = new StringBuilder("catching up: ").append(Durations.format(lag))
                    .append(" behind the source");
            if (catchingUp && now > lastAt) {
                double shrinkPerSecond = (lastLag - lag) * 1000.0 / (now - lastAt);
                if (shrinkPerSecond > 0) {
                    line.append(String.format(Locale.ROOT, ", shrinking %.1f s per second, about %s left",
                            shrinkPerSecond / 1000.0, Durations.format(Math.round(lag / shrinkPerSecond * 1000))));
                } else {
                    line.append(", not shrinking");
                }
            }
            line.append(String.format(Locale.ROOT, ", %,.0f events/s", metrics.getEventsPerSecond()));
            log.info("pipeline '{}' {}", pipeline, line);
            catchingUp = true;
        } else if (catchingUp) {
            log.info("pipeline '{}' caught up with the source ({} behind)", pipeline, Durations.format(lag));
            catchingUp = false;
        }
        lastLag = lag;
    }

    private static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }
}
