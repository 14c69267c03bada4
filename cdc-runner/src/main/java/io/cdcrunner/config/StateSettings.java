package io.cdcrunner.config;

import java.util.Objects;

/**
 * Where the binlog offsets and the schema history live: {@code state.store} and the {@code state.jdbc.*} keys.
 *
 * @param store    {@code state.store}
 * @param jdbc     {@code state.jdbc.url/user/password}, each else the processor's
 * @param database {@code state.jdbc.database}, a plain identifier
 */
public record StateSettings(Store store, JdbcTarget jdbc, String database) {

    /** The two state stores. */
    public enum Store {
        /** Files in {@code state.dir}. */
        FILE,
        /** Tables in {@code state.jdbc.database}. */
        JDBC
    }

    public StateSettings {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(jdbc, "jdbc");
        Objects.requireNonNull(database, "database");
    }
}
