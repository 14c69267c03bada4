package io.cdcrunner.visibility;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import javax.sql.DataSource;

import io.cdcrunner.delivery.VisibilityBarrier;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.SourcePosition;

/**
 * The visibility barrier in front of the processor: makes the processor's read server show each event's
 * transaction, and everything committed before it, before the processor runs.
 *
 * <p>Amortized: {@link #prepareBatch} notes the batch's events; an {@link #ensureVisible} for an event not
 * yet known to be visible waits once, and the wait reports how far into the batch the server is known to be
 * (the whole batch on a primary; on a lagging replica, as far as it has applied). That position is
 * remembered, and every event at or before it returns at once. Lanes that need the same wait queue
 * behind the one lane doing it (one round trip, not one per lane). Events the {@link CatchUp} does not
 * cover (a row without a usable key, or every event under {@code row-poll}) are confirmed through their own
 * row instead.
 *
 * <p>A wait that times out throws {@link VisibilityTimeoutException}: a retryable failure of the event, so
 * the processor never runs against a server that has not caught up.
 */
public final class ReadBarrier implements VisibilityBarrier {

    private final DataSource server;
    private final String serverName;
    private final CatchUp catchUp;
    private final RowPoll rowPoll;
    private final Duration timeout;
    private final VisibilityMetrics metrics;
    private final LongSupplier nanoClock;
    private final ReentrantLock waiting = new ReentrantLock();
    private volatile List<ChangeEvent> batch = List.of();
    private volatile SourcePosition visibleUpTo;

    /**
     * @param server     the read server, through connections used only by the barrier (auto-commit,
     *                   READ COMMITTED)
     * @param serverName how to name the server in errors, e.g. {@code replica 10.0.0.7:3306}
     * @param catchUp    the batch wait, or {@code null} to confirm every event through its row
     * @param timeout    {@code processor.read.visibility.timeout.ms}
     * @param nanoClock  {@link System#nanoTime} outside tests
     */
    ReadBarrier(DataSource server, String serverName, CatchUp catchUp, Duration timeout, VisibilityMetrics metrics,
                LongSupplier nanoClock) {
        this.server = server;
        this.serverName = serverName;
        this.catchUp = catchUp;
        this.rowPoll = new RowPoll(nanoClock);
        this.timeout = timeout;
        this.metrics = metrics;
        this.nanoClock = nanoClock;
    }

    @Override
    public void prepareBatch(List<ChangeEvent> events) {
        if (catchUp != null) {
            batch = events.stream().filter(catchUp::covers).toList();
        }
    }

    @Override
    public void batchFinished() {
        batch = List.of();
    }

    @Override
    public void reset() {
        waiting.lock();
        try {
            batch = List.of();
            visibleUpTo = null;
        } finally {
            waiting.unlock();
        }
    }

    @Override
    public void ensureVisible(ChangeEvent event) throws Exception {
        if (catchUp == null || !catchUp.covers(event)) {
            if (event.operation().isRowChange()) {
                confirmRow(event);
            }
            // A table event has no row to look for. On a primary its statement took effect before it was logged;
            // a replica without GTIDs cannot say whether it has applied it (documented).
            return;
        }
        if (!catchUp.coversEarlier()) {
            await(List.of(event), 0);
            return;
        }
        if (BinlogOrder.atOrBefore(event.position(), visibleUpTo)) {
            metrics.onCovered();
            return;
        }
        waiting.lockInterruptibly();
        try {
            // The lane that held the lock may have waited for a position past this event.
            if (BinlogOrder.atOrBefore(event.position(), visibleUpTo)) {
                metrics.onCovered();
                return;
            }
            List<ChangeEvent> pending = pendingFrom(batch);
            int needed = indexOf(pending, event);
            if (needed < 0) {
                // Not an event of the prepared batch (delivered on its own, e.g. a dead-letter replay).
                pending = List.of(event);
                needed = 0;
            }
            int shown = await(pending, needed);
            SourcePosition reached = pending.get(shown - 1).position();
            if (visibleUpTo == null || BinlogOrder.compare(reached, visibleUpTo) > 0) {
                visibleUpTo = reached;
            }
        } finally {
            waiting.unlock();
        }
    }

    /** The covered events of {@code events} not yet known to be visible, in commit order. */
    private List<ChangeEvent> pendingFrom(List<ChangeEvent> events) {
        SourcePosition visible = visibleUpTo;
        int first = 0;
        while (first < events.size() && BinlogOrder.atOrBefore(events.get(first).position(), visible)) {
            first++;
        }
        return events.subList(first, events.size());
    }

    private static int indexOf(List<ChangeEvent> pending, ChangeEvent event) {
        for (int i = 0; i < pending.size(); i++) {
            if (BinlogOrder.compare(pending.get(i).position(), event.position()) == 0) {
                return i;
            }
        }
        return -1;
    }

    private int await(List<ChangeEvent> pending, int needed) throws Exception {
        long started = nanoClock.getAsLong();
        int shown;
        try (Connection connection = server.getConnection()) {
            shown = catchUp.await(pending, needed, timeout, connection);
        } catch (VisibilityTimeoutException e) {
            metrics.onTimeout();
            throw new VisibilityTimeoutException(serverName + ": " + e.getMessage() + ". The processor did not run; "
                    + "the event is retried. If the server lags this much, raise processor.read.visibility.timeout.ms; "
                    + "if replication stopped, check SHOW REPLICA STATUS on it", e.getCause());
        }
        metrics.onWait(TimeUnit.NANOSECONDS.toMicros(nanoClock.getAsLong() - started));
        return Math.min(pending.size(), Math.max(needed + 1, shown));
    }

    private void confirmRow(ChangeEvent event) throws Exception {
        long started = nanoClock.getAsLong();
        try (Connection connection = server.getConnection()) {
            rowPoll.confirm(event, timeout, connection);
        } catch (VisibilityTimeoutException e) {
            metrics.onTimeout();
            throw new VisibilityTimeoutException(serverName + ": " + e.getMessage() + ". The processor did not run; "
                    + "the event is retried", e.getCause());
        }
        metrics.onRowConfirmation();
        metrics.onWait(TimeUnit.NANOSECONDS.toMicros(nanoClock.getAsLong() - started));
    }

    private static ChangeEvent last(List<ChangeEvent> events) {
        return events.get(events.size() - 1);
    }
}
