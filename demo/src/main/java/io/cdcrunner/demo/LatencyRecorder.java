package io.cdcrunner.demo;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.HdrHistogram.Histogram;

import io.cdcrunner.delivery.ProcessedListener;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Operation;

/**
 * Notes when each demo row was processed (first time only), then turns commit and processing times into
 * a commit-to-processed latency histogram.
 */
public final class LatencyRecorder implements ProcessedListener {

    private final String table;
    private final String idColumn;
    private final Map<Long, Long> processedNanos = new ConcurrentHashMap<>();

    public LatencyRecorder(String table, String idColumn) {
        this.table = table;
        this.idColumn = idColumn;
    }

    @Override
    public void processed(ChangeEvent event, long nanoTime) {
        if (event.operation() == Operation.INSERT && event.table().equals(table)) {
            processedNanos.putIfAbsent(event.row().getLong(idColumn), nanoTime);
        }
    }

    /** Distinct row ids processed so far. */
    public int distinctProcessed() {
        return processedNanos.size();
    }

    public boolean wasProcessed(long id) {
        return processedNanos.containsKey(id);
    }

    /**
     * Latency in microseconds for every row with both times. An event can be processed before the writer's
     * COMMIT call returns to it; such rows count as 0.
     */
    public Histogram latencyMicros(Map<Long, Long> commitNanos) {
        return latencyMicros(commitNanos, committed -> true);
    }

    /** The same, only for rows whose commit time (a nanoTime) passes {@code committedWhen}. */
    public Histogram latencyMicros(Map<Long, Long> commitNanos, java.util.function.LongPredicate committedWhen) {
        Histogram histogram = new Histogram(3_600_000_000L, 3);
        commitNanos.forEach((id, committed) -> {
            Long processed = processedNanos.get(id);
            if (processed != null && committedWhen.test(committed)) {
                histogram.recordValue(Math.max(0, (processed - committed) / 1_000));
            }
        });
        return histogram;
    }
}
