package io.cdcrunner.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How the Debezium engine is driven: the {@code engine.*} keys.
 *
 * @param pollInterval  {@code engine.poll.interval.ms}
 * @param maxBatchSize  {@code engine.max.batch.size}
 * @param maxQueueSize  {@code engine.max.queue.size}, always greater than {@code maxBatchSize}
 * @param maxBatchBytes {@code engine.max.batch.bytes}
 * @param maxQueueBytes {@code engine.max.queue.bytes}
 */
public record EngineSettings(Duration pollInterval, int maxBatchSize, int maxQueueSize, long maxBatchBytes,
                             long maxQueueBytes) {

    public EngineSettings {
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (maxQueueSize <= maxBatchSize) {
            throw new IllegalArgumentException("maxQueueSize must be greater than maxBatchSize");
        }
        if (maxBatchBytes <= 0 || maxQueueBytes <= 0) {
            throw new IllegalArgumentException("maxBatchBytes and maxQueueBytes must be positive");
        }
    }
}
