package io.cdcrunner.deadletter;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Properties;

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
 *                     ({@link DeadLetterSettings#jdbc()})
 * @param jdbcUser     {@code deadletter.jdbc.user}, else the processor's user
 * @param jdbcPassword {@code deadletter.jdbc.password}, else the processor's password
 * @param jdbcProperties driver properties for {@code jdbcUrl}: the key store passwords of {@code source.ssl.*} when it
 *                     is the source server's own URL (secrets: never shown)
 * @param idleTransactionLimitSeconds with {@code ha.enabled}, how long a transaction may stay idle before the server
 *                     ends it (a hung instance's must not hold the lease row against the takeover); 0 for no limit
 */
public record DeadLetterStoreContext(String pipelineName, Path stateDir, DeadLetterSettings settings, String jdbcUrl,
                                     String jdbcUser, Secret jdbcPassword, Properties jdbcProperties,
                                     long idleTransactionLimitSeconds) {

    /** A context without a transaction limit. */
    public DeadLetterStoreContext(String pipelineName, Path stateDir, DeadLetterSettings settings, String jdbcUrl,
                                  String jdbcUser, Secret jdbcPassword, Properties jdbcProperties) {
        this(pipelineName, stateDir, settings, jdbcUrl, jdbcUser, jdbcPassword, jdbcProperties, 0);
    }

    /** A context without driver properties. */
    public DeadLetterStoreContext(String pipelineName, Path stateDir, DeadLetterSettings settings, String jdbcUrl,
                                  String jdbcUser, Secret jdbcPassword) {
        this(pipelineName, stateDir, settings, jdbcUrl, jdbcUser, jdbcPassword, new Properties());
    }

    public DeadLetterStoreContext {
        Objects.requireNonNull(pipelineName, "pipelineName");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(jdbcUser, "jdbcUser");
        Objects.requireNonNull(jdbcPassword, "jdbcPassword");
        Properties copy = new Properties();
        copy.putAll(Objects.requireNonNull(jdbcProperties, "jdbcProperties"));
        jdbcProperties = copy;
    }

    @Override
    public Properties jdbcProperties() {
        Properties copy = new Properties();
        copy.putAll(jdbcProperties);
        return copy;
    }

    @Override
    public String toString() {
        return "DeadLetterStoreContext[pipelineName=" + pipelineName + ", stateDir=" + stateDir + ", store="
                + settings.storeClass() + "]";
    }
}
