package io.cdcrunner.kafka;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Commits the offsets {@link PartitionProgress} allows, and tells it what the broker accepted. Poll thread only. */
final class OffsetCommits {

    private static final Logger log = LoggerFactory.getLogger(OffsetCommits.class);
    static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(10);

    private final Consumer<byte[], byte[]> consumer;
    private final PartitionProgress progress;

    OffsetCommits(Consumer<byte[], byte[]> consumer, PartitionProgress progress) {
        this.consumer = consumer;
        this.progress = progress;
    }

    /** After a batch: commits without waiting; a failed commit is covered by the next one. */
    void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        consumer.commitAsync(offsets, (committed, error) -> {
            if (error == null) {
                progress.committed(committed);
            } else {
                log.debug("offset commit failed ({}); the next one covers it", error.toString());
            }
        });
    }

    /** Commits and waits; a wake-up (a batch's end, a stop) met on the way is consumed by a second try. */
    void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets, COMMIT_TIMEOUT);
        } catch (WakeupException e) {
            consumer.commitSync(offsets, COMMIT_TIMEOUT);
        }
        progress.committed(offsets);
    }
}
