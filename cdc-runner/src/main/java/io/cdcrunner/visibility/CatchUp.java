package io.cdcrunner.visibility;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import io.cdcrunner.processor.ChangeEvent;

/**
 * One way of bringing the read server up to the events of a batch with few waits: once an event is visible,
 * every covered event committed before it is visible too. Events it does not cover are confirmed one by one
 * through their row ({@link RowPoll}).
 */
interface CatchUp {

    /** The method, as spelled in {@code processor.read.visibility}. */
    String name();

    /** What the wait does, for the start-up log line. */
    String description();

    /** Whether this method can make {@code event} visible. */
    boolean covers(ChangeEvent event);

    /**
     * Whether a wait for an event also makes every earlier event visible (commits happen in binlog order).
     * When false, each event is waited for on its own.
     */
    default boolean coversEarlier() {
        return true;
    }

    /**
     * Returns once the server behind {@code connection} shows the transaction of {@code pending.get(needed)}
     * and every transaction the source committed before it, and says how far it then knows the server to be.
     *
     * <p>How far it waits is the method's choice: where waiting costs nothing extra (the primary) it may wait
     * for the last pending event; where the server lags (a replica) it waits only for the needed event and
     * reports what the server had applied by then, so events behind a lagging one are not held up waiting
     * for the end of their batch.
     *
     * @param pending    events of one batch not yet known to be visible, in commit order, not empty
     * @param needed     index in {@code pending} of the event that must become visible
     * @param timeout    how long to wait at most
     * @param connection an auto-commit READ COMMITTED connection to the read server, used only by the barrier
     * @return how many leading events of {@code pending} the server is known to show, at least
     *         {@code needed + 1}
     * @throws VisibilityTimeoutException when the server did not get there within {@code timeout}
     */
    int await(List<ChangeEvent> pending, int needed, Duration timeout, Connection connection)
            throws SQLException, VisibilityTimeoutException;
}
