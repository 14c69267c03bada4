package io.cdcrunner.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.config.KafkaSettings;

/**
 * {@code run}'s side of {@link LedgerCoverage}: when this member is first assigned a change topic that keeps records
 * longer than the ledger keeps event ids, a WARN says so with the numbers (once per topic and start). The brokers are
 * asked on a thread of its own, so a rebalance never waits for them.
 */
final class LedgerCoverageWarning implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LedgerCoverageWarning.class);

    private final KafkaSettings kafka;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final ExecutorService asker;
    /** Used on {@link #asker}'s thread only. */
    private Admin admin;

    LedgerCoverageWarning(KafkaSettings kafka, String pipelineName) {
        this.kafka = kafka;
        this.asker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cdc-kafka-retention-" + pipelineName);
            t.setDaemon(true);
            return t;
        });
    }

    /** Called on the poll thread with the partitions just assigned. */
    void assigned(Collection<TopicPartition> partitions) {
        List<String> topics = partitions.stream().map(TopicPartition::topic).distinct().filter(seen::add).sorted()
                .toList();
        if (!topics.isEmpty()) {
            asker.execute(() -> warnAbout(topics));
        }
    }

    private void warnAbout(List<String> topics) {
        try {
            if (admin == null) {
                admin = Admin.create(LedgerCoverage.adminProperties(kafka));
            }
            List<LedgerCoverage.TopicRetention> uncovered = LedgerCoverage.uncovered(kafka.ledgerRetention(),
                    LedgerCoverage.retentions(admin, topics));
            if (!uncovered.isEmpty()) {
                log.warn("{}. Fix: {}", LedgerCoverage.problem(kafka.ledgerRetention(), uncovered),
                        LedgerCoverage.fix(uncovered));
            }
        } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
            log.warn("cannot read the retention of {} ({}): whether the ledger (kafka.ledger.retention.ms) remembers"
                    + " every event they hold is unknown; cdc-runner check compares them", topics,
                    LedgerCoverage.reason(e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        asker.execute(() -> {
            if (admin != null) {
                admin.close(Duration.ofSeconds(2));
            }
        });
        asker.shutdown();
    }
}
