package io.cdcrunner.delivery;

import java.util.List;

import io.cdcrunner.processor.ChangeEvent;

/**
 * Makes sure the processor's read connection sees an event's transaction (and everything committed before
 * it) before the processor runs. The wait is amortized: {@link #prepareBatch} learns the batch's highest
 * position once, and the first {@link #ensureVisible} that needs it waits for that position; later events
 * of the batch are already covered.
 */
public interface VisibilityBarrier {

    /** No waiting: the processor reads where the binlog was read, or does not read at all. */
    VisibilityBarrier NONE = event -> { };

    /** Called by the dispatcher with each batch, in commit order, before any of its events runs. */
    default void prepareBatch(List<ChangeEvent> batch) {
    }

    /**
     * Called once every event of the batch given to {@link #prepareBatch} has ended: let go of its events, which can
     * hold large rows, rather than keep them until the next batch.
     */
    default void batchFinished() {
    }

    /**
     * Forgets which positions are known to be visible: the events that follow do not continue the stream seen
     * so far (dead letters replayed one by one, possibly from another server's binlog after a failover).
     */
    default void reset() {
    }

    /**
     * Returns once the read connection sees {@code event}'s transaction.
     *
     * @throws Exception when the wait timed out or failed: a retryable failure of the event, never a
     *                   silent stale read
     */
    void ensureVisible(ChangeEvent event) throws Exception;
}
