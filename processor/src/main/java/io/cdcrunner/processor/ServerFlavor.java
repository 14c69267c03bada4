package io.cdcrunner.processor;

/** The database server family an event was read from. Their GTID formats differ. */
public enum ServerFlavor {
    /** Oracle MySQL (GTIDs look like {@code 3E11FA47-71CA-11E1-9E33-C80AA9429562:23}). */
    MYSQL,
    /** MariaDB (GTIDs look like {@code 0-1-42}: domain, server id, sequence). */
    MARIADB
}
