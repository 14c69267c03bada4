package io.cdcrunner.deadletter;

import java.nio.file.Path;
import java.util.Objects;

import io.cdcrunner.config.DeadLetterSettings;
import io.cdcrunner.config.Secret;

/**
 * What a {@link DeadLetterStore} gets in {@link DeadLetterStore#open}: the settings it may need, already
 * resolved. {@link #toString()} shows neither the URL (it may carry credentials) nor the password.
 *
 * @param pipelineName {@code pipeline.name}
 * @param stateDir     {@code state.dir}
 * @param settings     the {@code deadletter.*} keys
 * @param jdbcUrl      {@code deadletter.jdbc.url}, else the processor's JDBC URL, else the source server's
 * @param jdbcUser     {@code deadletter.jdbc.user}, else the processor's user
 * @param jdbcPassword {@code deadletter.jdbc.password}, else the processor's password
 */
public record DeadLetterStoreContext(String pipelineName, Path stateDir, DeadLetterSettings settings, String jdbcUrl,
                                     String jdbcUser, Secret jdbcPassword) {

    public DeadLetterStoreContext {
        Objects.requireNonNull(pipelineName, "pipelineName");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(jdbcUser, "jdbcUser");
        Objects.requireNonNull(jdbcPassword, "jdbcPassword");
    }

    @Override
    public String toString() {
        return "DeadLetterStoreContext[pipelineName=" + pipelineName + ", stateDir=" + stateDir + ", store="
                + settings.storeClass() + "]";
    }
}
