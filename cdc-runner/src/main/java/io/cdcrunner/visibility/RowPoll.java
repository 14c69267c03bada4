package io.cdcrunner.visibility;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.LongSupplier;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Operation;

/**
 * Confirms one event on the read server by looking for its row, with bounded exponential backoff: an
 * inserted row must be there, an updated row must be there with the changed values, a deleted row must be
 * gone. The row is found by primary key (or by its values in a table without one; see {@link RowMatch}).
 *
 * <p>This is the fallback for a replica without GTIDs, and the weaker guarantee: it shows that the
 * event's own row change was applied, not that every transaction committed before it was (that holds only
 * when the replica applies transactions in commit order, as a single-threaded applier does). It also costs
 * at least one query per event.
 */
final class RowPoll {

    private static final long FIRST_BACKOFF_NANOS = Duration.ofMillis(2).toNanos();
    private static final long MAX_BACKOFF_NANOS = Duration.ofMillis(200).toNanos();

    private final LongSupplier nanoClock;

    RowPoll(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Whether the row of {@code event} can be looked for at all. */
    static boolean canConfirm(ChangeEvent event) {
        return RowMatch.forEvent(event) != null;
    }

    /**
     * Returns once {@code connection}'s server shows the event's row change.
     *
     * @throws VisibilityTimeoutException when it does not within {@code timeout}
     * @throws IllegalStateException      when the row holds no value that can be matched in SQL
     * @throws InterruptedException       when the pipeline stops during a backoff
     */
    void confirm(ChangeEvent event, Duration timeout, Connection connection)
            throws SQLException, VisibilityTimeoutException, InterruptedException {
        RowMatch match = RowMatch.forEvent(event);
        if (match == null) {
            throw new IllegalStateException("cannot confirm " + event + " on the read server: its table has no "
                    + "primary key of comparable columns (integers, DECIMAL, strings, dates); give it a primary "
                    + "key, or set processor.read.visibility=off if stale reads are acceptable");
        }
        boolean mustExist = event.operation() != Operation.DELETE;
        String sql = query(event, match);
        long deadline = nanoClock.getAsLong() + timeout.toNanos();
        long backoff = FIRST_BACKOFF_NANOS;
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            match.bind(query, 1);
            while (true) {
                if (found(query) == mustExist) {
                    return;
                }
                long left = deadline - nanoClock.getAsLong();
                if (left <= 0) {
                    throw new VisibilityTimeoutException("the row of " + event + " is " + (mustExist ? "still missing"
                            : "still there") + " after " + timeout.toMillis() + " ms");
                }
                long sleep = Math.min(backoff, left);
                Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
            }
        }
    }

    /**
     * One look: whether {@code connection}'s server shows the event's row change now (see the class
     * documentation for what is compared).
     *
     * @throws IllegalArgumentException when the event's row cannot be matched ({@link #canConfirm} is false)
     */
    static boolean showsNow(ChangeEvent event, Connection connection) throws SQLException {
        RowMatch match = RowMatch.forEvent(event);
        if (match == null) {
            throw new IllegalArgumentException("no matchable value in the row of " + event);
        }
        try (PreparedStatement query = connection.prepareStatement(query(event, match))) {
            match.bind(query, 1);
            return found(query) == (event.operation() != Operation.DELETE);
        }
    }

    private static String query(ChangeEvent event, RowMatch match) {
        return "SELECT 1 FROM " + RowMatch.table(event) + " WHERE " + match.condition() + " LIMIT 1";
    }

    private static boolean found(PreparedStatement query) throws SQLException {
        try (ResultSet rs = query.executeQuery()) {
            return rs.next();
        }
    }
}
