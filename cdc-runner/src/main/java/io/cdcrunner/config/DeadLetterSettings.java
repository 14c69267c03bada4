package io.cdcrunner.config;

import java.util.Objects;
import java.util.Optional;

/**
 * Where failed events are kept: the {@code deadletter.*} keys.
 *
 * @param storeClass   {@code deadletter.store}
 * @param jdbcUrl      {@code deadletter.jdbc.url}; empty means the processor's database
 * @param jdbcUser     {@code deadletter.jdbc.user}, else the processor's user
 * @param jdbcPassword {@code deadletter.jdbc.password}, else the processor's password
 * @param jdbcTable    {@code deadletter.jdbc.table}, {@code database.table}
 */
public record DeadLetterSettings(String storeClass, Optional<String> jdbcUrl, String jdbcUser, Secret jdbcPassword,
                                 String jdbcTable) {

    public DeadLetterSettings {
        Objects.requireNonNull(storeClass, "storeClass");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(jdbcUser, "jdbcUser");
        Objects.requireNonNull(jdbcPassword, "jdbcPassword");
        Objects.requireNonNull(jdbcTable, "jdbcTable");
    }
}
