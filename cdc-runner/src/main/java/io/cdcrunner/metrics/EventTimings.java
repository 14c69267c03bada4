package io.cdcrunner.metrics;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.cdcrunner.delivery.ProcessedListener;
import io.cdcrunner.processor.ChangeEvent;

/**
 * Times every finished event: how long its delivery took (processing time, retries included) and how long after
 * its commit it finished (commit-to-processed). Also counts the snapshot rows finished, for progress lines.
 *
 * <p>Commit-to-processed uses the binlog's commit time, which has one-second resolution: each value is the true
 * latency rounded up by less than a second, and it also depends on the source's and the daemon's clocks agreeing.
 * Rows read by a snapshot have no commit time worth measuring and are left out.
 */
public final class EventTimings implements ProcessedListener {

    static final Duration WINDOW = Duration.ofMinutes(1);
    private static final long MICROS_PER_HOUR = TimeUnit.HOURS.toMicros(1);
    private static final long MILLIS_PER_WEEK = TimeUnit.DAYS.toMillis(7);

    private final Clock clock;
    private final RollingHistogram processingMicros;
    private final RollingHistogram commitToProcessedMillis;
    private final LongAdder snapshotRows = new LongAdder();

    EventTimings(Clock clock) {
        this.clock = clock;
        this.processingMicros = new RollingHistogram(MICROS_PER_HOUR, WINDOW, clock);
        this.commitToProcessedMillis = new RollingHistogram(MILLIS_PER_WEEK, WINDOW, clock);
    }

    @Override
    public void processed(ChangeEvent event, long nanoTime) {
        // No start time: only the commit-to-processed latency can be measured.
        recordCommitLatency(event);
    }

    @Override
    public void processed(ChangeEvent event, long startNanoTime, long nanoTime) {
        processingMicros.record((nanoTime - startNanoTime) / 1_000);
        recordCommitLatency(event);
    }

    private void recordCommitLatency(ChangeEvent event) {
        if (event.position().snapshot()) {
            snapshotRows.increment();
        } else if (event.commitTime() != null) {
            commitToProcessedMillis.record(clock.millis() - event.commitTime().toEpochMilli());
        }
    }

    /** This listener followed by {@code next} (the caller's own listener, e.g. the demo's). */
    ProcessedListener then(ProcessedListener next) {
        return new ProcessedListener() {
            @Override
            public void processed(ChangeEvent event, long nanoTime) {
                EventTimings.this.processed(event, nanoTime);
                next.processed(event, nanoTime);
            }

            @Override
            public void processed(ChangeEvent event, long startNanoTime, long nanoTime) {
                EventTimings.this.processed(event, startNanoTime, nanoTime);
                next.processed(event, startNanoTime, nanoTime);
            }
        };
    }

    /** Advances the windows; called once a second. */
    void rotate() {
        processingMicros.rotate();
        commitToProcessedMillis.rotate();
    }

    LatencySnapshot processingTime() {
        return processingMicros.snapshot(1_000.0);
    }

    LatencySnapshot commitToProcessed() {
        return commitToProcessedMillis.snapshot(1.0);
    }

    /** Snapshot rows finished so far. */
    long snapshotRows() {
        return snapshotRows.sum();
    }
}
