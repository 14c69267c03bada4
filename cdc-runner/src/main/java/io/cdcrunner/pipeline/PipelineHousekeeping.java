package io.cdcrunner.pipeline;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.core.PipelineCounters;
import io.cdcrunner.core.RecordedPosition;
import io.cdcrunner.delivery.EventDelivery;

/**
 * Periodic chores of a running pipeline: a stats line when something changed, and pruning the ledger of
 * entries the recorded position has passed (those events are never delivered again; see {@link LedgerPruning} for a
 * source that moved to another server), or, for a source that records no binlog position, of entries older than its
 * retention.
 */
final class PipelineHousekeeping implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PipelineHousekeeping.class);
    private static final long STATS_SECONDS = 10;
    /** Often enough that each prune is small (at 5,000 events/s, 50,000 entries). */
    private static final long PRUNE_SECONDS = 10;

    private final String pipeline;
    private final PipelineCounters counters;
    private final EventDelivery delivery;
    private final Supplier<Optional<RecordedPosition>> recorded;
    private final Optional<Duration> retention;
    private final ScheduledExecutorService timer;
    private final LedgerPruning pruning;
    private String lastStats = "";

    PipelineHousekeeping(String pipeline, PipelineCounters counters, EventDelivery delivery,
                         Supplier<Optional<RecordedPosition>> recorded, Optional<Duration> retention) {
        this.pipeline = pipeline;
        this.counters = counters;
        this.delivery = delivery;
        this.recorded = recorded;
        this.retention = retention;
        this.pruning = new LedgerPruning(new LedgerPruning.Ledger() {
            @Override
            public java.sql.Timestamp now() throws java.sql.SQLException {
                return delivery.ledger().databaseTime(delivery.dataSource());
            }

            @Override
            public int pruneBefore(String file, long position, java.sql.Timestamp since)
                    throws java.sql.SQLException {
                return delivery.ledger().pruneBefore(delivery.dataSource(), file, position, since);
            }

            @Override
            public int pruneRecordedBefore(java.sql.Timestamp cut, Duration keep) throws java.sql.SQLException {
                return delivery.ledger().pruneRecordedBefore(delivery.dataSource(), cut, keep);
            }
        });
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cdc-housekeeping-" + pipeline);
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        timer.scheduleWithFixedDelay(this::logStats, STATS_SECONDS, STATS_SECONDS, TimeUnit.SECONDS);
        if (delivery.isTransactional()) {
            timer.scheduleWithFixedDelay(this::pruneLedger, PRUNE_SECONDS, PRUNE_SECONDS, TimeUnit.SECONDS);
        }
    }

    private void logStats() {
        String stats = counters.summary();
        if (!stats.equals(lastStats)) {
            lastStats = stats;
            log.info("pipeline '{}' stats: {}", pipeline, stats);
        }
    }

    private void pruneLedger() {
        try {
            if (retention.isPresent()) {
                int pruned = delivery.ledger().pruneOlderThan(delivery.dataSource(), retention.get());
                log.debug("pruned {} ledger entries older than {}", pruned, retention.get());
                return;
            }
            Optional<RecordedPosition> position = recorded.get();
            if (position.isPresent()) {
                int pruned = pruning.prune(position.get());
                log.debug("pruned {} ledger entries at {}", pruned, position.get());
            }
        } catch (Exception e) {
            log.warn("ledger pruning failed (will try again): {}", e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        logStats();
    }
}
