package io.cdcrunner.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How the Debezium engine is driven: the {@code engine.*} keys.
 *
 * @param pollInterval  {@code engine.poll.interval.ms}
 * @param maxBatchSize  {@code engine.max.batch.size}
 * @param maxQueueSize  {@code engine.max.queue.size}, always greater than {@code maxBatchSize}
 * @param maxQueueBytes {@code engine.max.queue.bytes}
 */
public record EngineSettings(Duration pollInterval, int maxBatchSize, int maxQueueSize, long maxQueueBytes) {

    public EngineSettings {
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (maxQueueSize <= maxBatchSize) {
            throw new IllegalArgumentException("maxQueueSize must be greater than maxBatchSize");
        }
        if (maxQueueBytes <= 0) {
            throw new IllegalArgumentException("maxQueueBytes must be positive");
        }
    }
}
