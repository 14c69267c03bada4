package io.cdcrunner.metrics;

import javax.management.openmbean.CompositeData;

import org.HdrHistogram.Histogram;

/**
 * Percentiles of one latency over the recent window, in milliseconds. Over JMX it is an open-type composite
 * with the items {@code count}, {@code p50}, {@code p95}, {@code p99}, {@code p999} and {@code max}.
 */
public final class LatencySnapshot {

    private static final LatencySnapshot EMPTY = new LatencySnapshot(0, 0, 0, 0, 0, 0);

    private final long count;
    private final double p50;
    private final double p95;
    private final double p99;
    private final double p999;
    private final double max;

    public LatencySnapshot(long count, double p50, double p95, double p99, double p999, double max) {
        this.count = count;
        this.p50 = p50;
        this.p95 = p95;
        this.p99 = p99;
        this.p999 = p999;
        this.max = max;
    }

    /** Percentiles of a histogram whose values are in units of {@code 1 / unitsPerMilli} ms. */
    static LatencySnapshot of(Histogram histogram, double unitsPerMilli) {
        if (histogram.getTotalCount() == 0) {
            return EMPTY;
        }
        return new LatencySnapshot(histogram.getTotalCount(),
                histogram.getValueAtPercentile(50) / unitsPerMilli,
                histogram.getValueAtPercentile(95) / unitsPerMilli,
                histogram.getValueAtPercentile(99) / unitsPerMilli,
                histogram.getValueAtPercentile(99.9) / unitsPerMilli,
                histogram.getMaxValue() / unitsPerMilli);
    }

    /** Rebuilds a snapshot read over JMX (the MXBean mapping calls this). */
    public static LatencySnapshot from(CompositeData data) {
        return new LatencySnapshot((Long) data.get("count"), (Double) data.get("p50"), (Double) data.get("p95"),
                (Double) data.get("p99"), (Double) data.get("p999"), (Double) data.get("max"));
    }

    /** Values in the window. */
    public long getCount() {
        return count;
    }

    public double getP50() {
        return p50;
    }

    public double getP95() {
        return p95;
    }

    public double getP99() {
        return p99;
    }

    /** The 99.9th percentile. */
    public double getP999() {
        return p999;
    }

    public double getMax() {
        return max;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms (%d)",
                p50, p95, p99, p999, max, count);
    }
}
