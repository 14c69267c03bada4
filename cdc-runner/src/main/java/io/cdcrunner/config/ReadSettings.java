package io.cdcrunner.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the processor reads, and how the daemon makes that server show each event before the processor
 * runs: the {@code processor.read.*} keys.
 *
 * @param url        {@code processor.read.url}; empty means the processor's own data source
 * @param user       {@code processor.read.user}, else the processor's user
 * @param password   {@code processor.read.password}, else the processor's password
 * @param visibility {@code processor.read.visibility}
 * @param timeout    {@code processor.read.visibility.timeout.ms}
 */
public record ReadSettings(Optional<String> url, String user, Secret password, Visibility visibility,
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
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(visibility, "visibility");
        Objects.requireNonNull(timeout, "timeout");
    }
}
