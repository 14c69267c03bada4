package io.cdcrunner.visibility;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import io.cdcrunner.processor.ChangeEvent;

/**
 * One way of bringing the read server up to a batch of events with a single wait: after waiting for the
 * batch's last covered event, every earlier covered event is visible too. Events it does not cover are
 * confirmed one by one through their row ({@link RowPoll}).
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
     * Returns once the server behind {@code connection} shows the transactions of {@code covered} and every
     * transaction the source committed before them.
     *
     * @param covered    covered events of one batch, in commit order, not empty
     * @param timeout    how long to wait at most
     * @param connection an auto-commit READ COMMITTED connection to the read server, used only by the barrier
     * @throws VisibilityTimeoutException when the server did not get there within {@code timeout}
     */
    void await(List<ChangeEvent> covered, Duration timeout, Connection connection)
            throws SQLException, VisibilityTimeoutException;
}
