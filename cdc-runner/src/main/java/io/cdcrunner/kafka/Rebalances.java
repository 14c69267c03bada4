package io.cdcrunner.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cooperative rebalancing: an assigned partition is paused while a batch is in progress; a revoked partition's events
 * in progress get {@code kafka.revoke.timeout.ms} to finish before what finished is committed and the rest abandoned
 * (the new owner delivers it again, the ledger applying it once); a lost partition is dropped without committing.
 * Called by the consumer inside {@code poll}, on the poll thread.
 */
final class Rebalances implements ConsumerRebalanceListener {

    private static final Logger log = LoggerFactory.getLogger(Rebalances.class);

    private final Consumer<byte[], byte[]> consumer;
    private final PartitionProgress progress;
    private final PartitionHalts halts;
    private final OffsetCommits commits;
    private final Supplier<BatchInFlight> inFlight;
    private final Duration revokeTimeout;
    /** Null unless the processor keeps a ledger, whose memory the topics' retention may exceed. */
    private final LedgerCoverageWarning coverage;

    /** @param inFlight the batch in progress, null between batches (read on the poll thread, as the calls come) */
    Rebalances(Consumer<byte[], byte[]> consumer, PartitionProgress progress, PartitionHalts halts, OffsetCommits commits,
               Supplier<BatchInFlight> inFlight, Duration revokeTimeout, LedgerCoverageWarning coverage) {
        this.consumer = consumer;
        this.progress = progress;
        this.halts = halts;
        this.commits = commits;
        this.inFlight = inFlight;
        this.revokeTimeout = revokeTimeout;
        this.coverage = coverage;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        progress.assigned(partitions);
        if (inFlight.get() != null) {
            consumer.pause(partitions);
        }
        if (!partitions.isEmpty()) {
            log.info("assigned {}; now {} partition(s)", partitions, progress.owned().size());
            if (coverage != null) {
                coverage.assigned(partitions);
            }
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        awaitRevokedEvents(partitions);
        try {
            commits.commitSync(progress.toCommit(partitions));
        } catch (RuntimeException e) {
            log.warn("could not commit the finished offsets of revoked {} ({}): their new owner delivers those"
                    + " events again", partitions, e.toString());
        }
        progress.forget(partitions);
        halts.forget(partitions);
        log.info("revoked {}", partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        // Another member may own them already: committing could move its position. Nothing is committed.
        progress.forget(partitions);
        halts.forget(partitions);
        log.warn("lost {} (this member was out of the group): their events in progress are not committed here",
                partitions);
    }

    private void awaitRevokedEvents(Collection<TopicPartition> partitions) {
        BatchInFlight batch = inFlight.get();
        if (batch == null || !batch.holdsUnfinished(partitions)) {
            return;
        }
        try {
            if (!batch.awaitFinished(partitions, revokeTimeout)) {
                log.warn("revoked {} with events still in progress after {} ms: they are abandoned here and"
                        + " delivered again by the new owner", partitions, revokeTimeout.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
