package io.cdcrunner.metrics;

import java.time.Clock;
import java.util.function.BooleanSupplier;

/**
 * How far the pipeline is behind the source, in milliseconds: the age (by the source's commit time) of the oldest
 * event the daemon holds and has not finished.
 * <ul>
 *   <li>While a batch is held or processed: now minus the commit time of the batch's first row change, so it is
 *       exact to one batch and keeps growing while the pipeline is paused or a processor is stuck.</li>
 *   <li>Between batches, when the engine's queue still holds events (catching up): the lag measured when the
 *       last batch finished.</li>
 *   <li>While the binlog connection is down: the age of the last event seen, so it keeps growing.</li>
 *   <li>Otherwise 0: the daemon has processed everything the binlog reader handed over, so it is 0 while the
 *       source is idle (Debezium's own {@code MilliSecondsBehindSource} keeps the last event's value then).</li>
 * </ul>
 * Binlog commit times have one-second resolution, so non-zero values are accurate to about a second, and rely on
 * the source's and the daemon's clocks agreeing. Events the binlog reader has not yet read are not seen.
 */
public final class SourceLag {

    private static final long NONE = Long.MIN_VALUE;

    private final Clock clock;
    private final BooleanSupplier engineQueueHasEvents;
    private volatile long batchOldestCommit = NONE;
    private volatile long lastBatchLag;
    private volatile long lastCommit = NONE;
    private volatile boolean sourceDown;

    public SourceLag(Clock clock, BooleanSupplier engineQueueHasEvents) {
        this.clock = clock;
        this.engineQueueHasEvents = engineQueueHasEvents;
    }

    /**
     * A batch arrived from the engine (called on the engine thread, before the batch may wait for a resume).
     *
     * @param oldestCommitMillis commit time of its first row change, or a negative value if it has none
     */
    public void batchStarted(long oldestCommitMillis) {
        batchOldestCommit = oldestCommitMillis < 0 ? NONE : oldestCommitMillis;
        if (oldestCommitMillis >= 0 && oldestCommitMillis > lastCommit) {
            lastCommit = oldestCommitMillis;
        }
    }

    /** While the binlog connection is down, the lag is the age of the last event seen: it keeps growing. */
    void sourceDown(boolean down) {
        sourceDown = down;
    }

    /** The batch is done (finished, or given up because the pipeline stops or failed). */
    public void batchFinished() {
        long oldest = batchOldestCommit;
        if (oldest != NONE) {
            lastBatchLag = Math.max(0, clock.millis() - oldest);
        }
        batchOldestCommit = NONE;
    }

    /** Milliseconds behind the source now; see the class comment. */
    long millisBehind() {
        long oldest = batchOldestCommit;
        if (oldest != NONE) {
            return Math.max(0, clock.millis() - oldest);
        }
        long last = lastCommit;
        if (sourceDown && last != NONE) {
            return Math.max(0, clock.millis() - last);
        }
        return engineQueueHasEvents.getAsBoolean() ? lastBatchLag : 0;
    }
}
