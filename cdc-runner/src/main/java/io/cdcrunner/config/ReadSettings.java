package io.cdcrunner.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Where the processor reads, and how the daemon makes that server show each event before the processor
 * runs: the {@code processor.read.*} keys.
 *
 * @param target     {@code processor.read.url/user/password}, each else the processor's
 * @param ownServer  whether {@code processor.read.url} is set: the processor reads from a server (often a replica)
 *                   other than the one it writes to, through a pool of its own
 * @param visibility {@code processor.read.visibility}
 * @param timeout    {@code processor.read.visibility.timeout.ms}
 */
public record ReadSettings(JdbcTarget target, boolean ownServer, Visibility visibility,
                           Duration timeout) {

    /** The values of {@code processor.read.visibility}. */
    public enum Visibility {
        /** Chosen from the server flavor and whether the read server is a replica. */
        AUTO,
        /** Wait for the batch's highest GTID: MASTER_GTID_WAIT (MariaDB replica), WAIT_FOR_EXECUTED_GTID_SET (MySQL). */
        GTID_WAIT,
        /** A locking read of the batch's last row on the primary: returns once its transaction committed. */
        PRIMARY_LOCK,
        /** Poll the read server for each event's row by primary key: covers the row, not the transaction prefix. */
        ROW_POLL,
        /** No waiting: reads may be older than the event. */
        OFF
    }

    public ReadSettings {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(visibility, "visibility");
        Objects.requireNonNull(timeout, "timeout");
    }
}
