package io.cdcrunner.state;

import io.cdcrunner.config.HaSettings;

/**
 * Moved to {@link io.cdcrunner.jdbc.HaSessionLimit}, which the pool builder ({@link io.cdcrunner.jdbc.JdbcPools})
 * applies. Kept only so that {@code ha/HaRunner}, {@code ha/LeaseReadersCheck}, {@code pipeline/Pipeline} and
 * {@code pipeline/ProcessingStack} compile until they switch; remove it then.
 *
 * @param seconds the limit; 0 for none
 */
@Deprecated(forRemoval = true)
public record HaSessionLimit(long seconds) {

    /** @deprecated use {@link io.cdcrunner.jdbc.HaSessionLimit#NONE} */
    @Deprecated(forRemoval = true)
    public static final HaSessionLimit NONE = new HaSessionLimit(0);

    /** @deprecated use {@link io.cdcrunner.jdbc.HaSessionLimit#of} */
    @Deprecated(forRemoval = true)
    public static HaSessionLimit of(HaSettings ha) {
        return new HaSessionLimit(io.cdcrunner.jdbc.HaSessionLimit.of(ha).seconds());
    }

    /** The limit as the pool builder takes it. */
    public io.cdcrunner.jdbc.HaSessionLimit limit() {
        return new io.cdcrunner.jdbc.HaSessionLimit(seconds);
    }
}
