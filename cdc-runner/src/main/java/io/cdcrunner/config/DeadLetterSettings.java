package io.cdcrunner.config;

import java.util.Objects;

/**
 * Where failed events are kept: the {@code deadletter.*} keys.
 *
 * @param storeClass   {@code deadletter.store}
 * @param jdbc         {@code deadletter.jdbc.url/user/password}, each else the processor's
 * @param jdbcTable    {@code deadletter.jdbc.table}, {@code database.table}
 */
public record DeadLetterSettings(String storeClass, JdbcTarget jdbc, String jdbcTable) {

    public DeadLetterSettings {
        Objects.requireNonNull(storeClass, "storeClass");
        Objects.requireNonNull(jdbc, "jdbc");
        Objects.requireNonNull(jdbcTable, "jdbcTable");
    }
}
