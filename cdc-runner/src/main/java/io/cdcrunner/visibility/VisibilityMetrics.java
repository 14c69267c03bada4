package io.cdcrunner.visibility;

import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * What the visibility barrier did: how often the processor's read server had to be waited for, how long
 * those waits took, and how many timed out. Counters are atomics; wait times go to an HdrHistogram in
 * microseconds (1 µs to 1 h, 3 significant digits). Safe to read from any thread, also after the pipeline
 * stopped.
 */
public final class VisibilityMetrics {

    private static final long MAX_MICROS = 3_600_000_000L;

    private final Histogram waitMicros = new SynchronizedHistogram(MAX_MICROS, 3);
    private final AtomicLong waits = new AtomicLong();
    private final AtomicLong timeouts = new AtomicLong();
    private final AtomicLong eventsCovered = new AtomicLong();
    private final AtomicLong rowConfirmations = new AtomicLong();
    private volatile String method = "none";

    /** A wait that ended with the read server showing its target. */
    void onWait(long micros) {
        waits.incrementAndGet();
        waitMicros.recordValue(Math.min(MAX_MICROS, Math.max(0, micros)));
    }

    /** A wait that gave up after {@code processor.read.visibility.timeout.ms}. */
    void onTimeout() {
        timeouts.incrementAndGet();
    }

    /** An event already covered by an earlier wait: no round trip. */
    void onCovered() {
        eventsCovered.incrementAndGet();
    }

    /** An event confirmed by polling for its own row (row-poll, or an event no batch wait covers). */
    void onRowConfirmation() {
        rowConfirmations.incrementAndGet();
    }

    void method(String name) {
        method = name;
    }

    /** The method in use: {@code gtid-wait}, {@code primary-lock}, {@code row-poll} or {@code off}. */
    public String method() {
        return method;
    }

    /** Waits that succeeded: one per batch for gtid-wait and primary-lock, one per event for row-poll. */
    public long waits() {
        return waits.get();
    }

    /** Waits that timed out; each failed an attempt of an event, which was retried. */
    public long timeouts() {
        return timeouts.get();
    }

    /** Events that needed no wait of their own because an earlier wait of their batch covered them. */
    public long eventsCovered() {
        return eventsCovered.get();
    }

    /** Events confirmed by polling for their own row. */
    public long rowConfirmations() {
        return rowConfirmations.get();
    }

    /** The duration of successful waits at {@code percentile} (0-100), in microseconds; 0 before any wait. */
    public long waitMicrosAtPercentile(double percentile) {
        return waitMicros.getValueAtPercentile(percentile);
    }

    /** The longest successful wait, in microseconds. */
    public long maxWaitMicros() {
        return waitMicros.getMaxValue();
    }

    /** A copy of the wait-time histogram (microseconds). */
    public Histogram waitMicros() {
        return waitMicros.copy();
    }

    /** One line for logs: method, waits with p50/p99, timeouts. */
    public String summary() {
        return String.format(java.util.Locale.ROOT,
                "%s: %d waits (p50 %.1f ms, p99 %.1f ms, max %.1f ms), %d events covered, %d row confirmations, "
                        + "%d timeouts", method, waits(), waitMicrosAtPercentile(50) / 1000.0,
                waitMicrosAtPercentile(99) / 1000.0, maxWaitMicros() / 1000.0, eventsCovered(), rowConfirmations(),
                timeouts());
    }
}
