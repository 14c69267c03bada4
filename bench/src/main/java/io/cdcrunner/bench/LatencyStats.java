package io.cdcrunner.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/** Summary of one latency histogram (microseconds) as JSON-ready values in milliseconds. */
final class LatencyStats {

    private LatencyStats() {
    }

    static Histogram newHistogram() {
        return new Histogram(3_600_000_000L, 3);
    }

    static Map<String, Object> summarize(Histogram micros) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("count", micros.getTotalCount());
        s.put("p50_ms", ms(micros.getValueAtPercentile(50)));
        s.put("p90_ms", ms(micros.getValueAtPercentile(90)));
        s.put("p99_ms", ms(micros.getValueAtPercentile(99)));
        s.put("p99_9_ms", ms(micros.getValueAtPercentile(99.9)));
        s.put("max_ms", ms(micros.getMaxValue()));
        s.put("mean_ms", Math.round(micros.getMean()) / 1000.0);
        s.put("curve", curve(micros));
        return s;
    }

    /** [percentile, ms] points of the distribution below 100% (the maximum is in max_ms), for the chart. */
    private static List<double[]> curve(Histogram micros) {
        List<double[]> points = new ArrayList<>();
        if (micros.getTotalCount() == 0) {
            return points;
        }
        for (HistogramIterationValue v : micros.percentiles(5)) {
            double percentile = v.getPercentileLevelIteratedTo();
            if (percentile >= 100.0) {
                break;
            }
            points.add(new double[] {percentile, ms(v.getValueIteratedTo())});
        }
        return points;
    }

    static double ms(long micros) {
        return Math.round(micros / 10.0) / 100.0;
    }
}
