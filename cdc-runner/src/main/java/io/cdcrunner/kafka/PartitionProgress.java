package io.cdcrunner.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets may be committed: per partition, only past the events the pipeline reported finished, as a
 * contiguous prefix of the batch ({@link io.cdcrunner.core.SourceBatch#finished}). A partition revoked or lost
 * while its events were in progress is forgotten: what those events finish later is not this member's to commit.
 *
 * <p>{@link #finished} runs on the pipeline's thread, everything else on the consumer's; all of it is synchronized.
 */
final class PartitionProgress {

    /** One batch's records, index for index with its items: their partitions and offsets. */
    static final class Batch {

        private final List<TopicPartition> partitions;
        private final long[] offsets;
        private int reported;

        Batch(List<TopicPartition> partitions, long[] offsets) {
            if (partitions.size() != offsets.length) {
                throw new IllegalArgumentException(partitions.size() + " partitions for " + offsets.length + " offsets");
            }
            this.partitions = List.copyOf(partitions);
            this.offsets = offsets.clone();
        }

        int size() {
            return offsets.length;
        }

        TopicPartition partition(int index) {
            return partitions.get(index);
        }

        long offset(int index) {
            return offsets[index];
        }

    }

    private final Set<TopicPartition> owned = new HashSet<>();
    /** The next offset to commit (one past the last finished record) per owned partition. */
    private final Map<TopicPartition, Long> finished = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();

    synchronized void assigned(Collection<TopicPartition> partitions) {
        owned.addAll(partitions);
    }

    /** Revoked (after committing what was finished) or lost (without committing): forgotten either way. */
    synchronized void forget(Collection<TopicPartition> partitions) {
        owned.removeAll(partitions);
        partitions.forEach(finished::remove);
        partitions.forEach(committed::remove);
    }

    synchronized Set<TopicPartition> owned() {
        return Set.copyOf(owned);
    }

    /** Every item of {@code batch} before {@code upTo} is finished. */
    synchronized void finished(Batch batch, int upTo) {
        for (int i = batch.reported; i < upTo && i < batch.size(); i++) {
            TopicPartition partition = batch.partition(i);
            if (owned.contains(partition)) {
                finished.merge(partition, batch.offset(i) + 1, Math::max);
            }
        }
        batch.reported = Math.max(batch.reported, Math.min(upTo, batch.size()));
    }

    /** The offsets to commit now: each owned partition's finished position, where it is past the committed one. */
    synchronized Map<TopicPartition, OffsetAndMetadata> toCommit() {
        return toCommit(owned);
    }

    /** {@link #toCommit()} for some partitions only (those being revoked). */
    synchronized Map<TopicPartition, OffsetAndMetadata> toCommit(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        for (TopicPartition partition : partitions) {
            Long next = finished.get(partition);
            if (next != null && owned.contains(partition) && next > committed.getOrDefault(partition, -1L)) {
                offsets.put(partition, new OffsetAndMetadata(next));
            }
        }
        return offsets;
    }

    /** The broker accepted {@code offsets}. */
    synchronized void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> {
            if (owned.contains(partition)) {
                committed.merge(partition, offset.offset(), Math::max);
            }
        });
    }

    /**
     * Where to read each partition of {@code batch} again from: its first record not reported finished, for the
     * owned partitions that have one (after a halt or a stop left some unfinished).
     */
    synchronized Map<TopicPartition, Long> unfinished(Batch batch) {
        Map<TopicPartition, Long> from = new LinkedHashMap<>();
        for (int i = batch.reported; i < batch.size(); i++) {
            TopicPartition partition = batch.partition(i);
            if (owned.contains(partition)) {
                from.merge(partition, batch.offset(i), Math::min);
            }
        }
        return from;
    }

    /** The first item of {@code batch} not reported finished (its size when all are). */
    synchronized int firstUnreported(Batch batch) {
        return batch.reported;
    }

    /** Whether the batch holds records of any of {@code partitions} not yet reported finished. */
    synchronized boolean holdsUnfinished(Batch batch, Collection<TopicPartition> partitions) {
        for (int i = batch.reported; i < batch.size(); i++) {
            if (partitions.contains(batch.partition(i))) {
                return true;
            }
        }
        return false;
    }
}
