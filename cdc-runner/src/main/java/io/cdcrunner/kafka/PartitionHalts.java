package io.cdcrunner.kafka;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.core.ProcessingHaltedException;

/**
 * The partitions a halt holds: a halted event's partition stays paused with this member (its poison event with it)
 * while the other partitions go on, until it is revoked or lost or the daemon restarts. Changed on the poll thread,
 * read by {@code status} on any thread.
 */
final class PartitionHalts {

    private static final Logger log = LoggerFactory.getLogger(PartitionHalts.class);

    private final Set<TopicPartition> halted = ConcurrentHashMap.newKeySet();
    /** Why each halted partition halted, for the pipeline's last error. */
    private final Map<TopicPartition, String> reasons = new ConcurrentHashMap<>();

    /** Pauses the partition of the batch's halted item, unless it was taken away during the batch. */
    void halt(BatchInFlight batch, ProcessingHaltedException halt, Consumer<?, ?> consumer) {
        int index = batch.indexOf(halt.event());
        if (index < 0 || !consumer.assignment().contains(batch.partition(index))) {
            // Taken away during the batch: its new owner meets the event (and halts there, if it fails again).
            log.warn("an event halted on a partition no longer owned here ({}); its new owner delivers it again",
                    halt.getMessage());
            return;
        }
        TopicPartition partition = batch.partition(index);
        long offset = batch.offset(index);
        halted.add(partition);
        reasons.put(partition, "partition " + partition + " halted at offset " + offset + ": " + halt.getMessage());
        consumer.pause(List.of(partition));
        log.error("partition {} halted at offset {} ({}): {}. The other partitions go on; this one stays paused"
                        + " with this member until the cause is fixed and the daemon restarted (or"
                        + " processor.on.failure=dead-letter)", partition, offset,
                halt.event() == null ? "an unmappable record" : halt.event(), halt.getMessage());
    }

    /** Revoked or lost: no longer this member's to hold. */
    void forget(Collection<TopicPartition> partitions) {
        halted.removeAll(partitions);
        partitions.forEach(reasons::remove);
    }

    Set<TopicPartition> halted() {
        return Set.copyOf(halted);
    }

    boolean holds(TopicPartition partition) {
        return halted.contains(partition);
    }

    /** The halts, in partition order, as the source's problem; empty without one. */
    Optional<String> problem() {
        if (reasons.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> ordered = new TreeMap<>();
        reasons.forEach((partition, reason) -> ordered.put(partition.toString(), reason));
        return Optional.of(String.join("; ", ordered.values()) + " (the other partitions go on; restart after the fix)");
    }
}
