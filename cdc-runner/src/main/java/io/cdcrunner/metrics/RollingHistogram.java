package io.cdcrunner.metrics;

import java.time.Clock;
import java.time.Duration;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Percentiles over a sliding window (the last minute by default), so a warm-up spike does not hide today's
 * latency forever. Writers record into an HdrHistogram {@link Recorder} (wait-free, any thread); the window is
 * a ring of slot histograms that {@link #rotate()} fills from the recorder and advances by the clock.
 */
final class RollingHistogram {

    private static final int SLOTS = 6;

    private final long highest;
    private final long slotMillis;
    private final Clock clock;
    private final Recorder recorder;
    private final Histogram[] slots = new Histogram[SLOTS];
    private Histogram interval;
    private int current;
    private long currentStart;
    private long total;

    /**
     * @param highest values above it are recorded as it
     * @param window  how far back the percentiles look (in {@value #SLOTS} steps)
     */
    RollingHistogram(long highest, Duration window, Clock clock) {
        this.highest = highest;
        this.slotMillis = Math.max(1, window.toMillis() / SLOTS);
        this.clock = clock;
        this.recorder = new Recorder(highest, 3);
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = new Histogram(highest, 3);
        }
        this.currentStart = clock.millis();
    }

    /** Records one value; safe from any thread. */
    void record(long value) {
        recorder.recordValue(Math.max(0, Math.min(value, highest)));
    }

    /** Moves what was recorded into the window and drops slots older than the window. */
    synchronized void rotate() {
        long now = clock.millis();
        long steps = (now - currentStart) / slotMillis;
        if (steps > 0) {
            for (long i = 0; i < Math.min(steps, SLOTS); i++) {
                current = (current + 1) % SLOTS;
                slots[current].reset();
            }
            currentStart += steps * slotMillis;
        }
        // Values recorded since the last rotation count as recent: they stay a full window.
        interval = recorder.getIntervalHistogram(interval);
        slots[current].add(interval);
        total += interval.getTotalCount();
    }

    /** Percentiles of the window, values divided by {@code unitsPerMilli} to give milliseconds. */
    synchronized LatencySnapshot snapshot(double unitsPerMilli) {
        rotate();
        Histogram window = new Histogram(highest, 3);
        for (Histogram slot : slots) {
            window.add(slot);
        }
        return LatencySnapshot.of(window, unitsPerMilli);
    }

    /** Values recorded since the start (and rotated in). */
    synchronized long totalCount() {
        return total;
    }
}
