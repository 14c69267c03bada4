package io.cdcrunner.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.cdcrunner.config.ConfigException;
import io.cdcrunner.config.ConfigLoader;
import io.cdcrunner.config.ConfigVariants;
import io.cdcrunner.config.HaSettings;
import io.cdcrunner.config.RunnerConfig;

/**
 * A pipeline's configuration that needs no database: the {@link ScriptedProcessor}, its pool on {@link NoDatabase},
 * no read barrier, the state and the default JSON-lines dead letters in a directory of the test's, a short shutdown
 * timeout and lease check interval.
 */
public final class NoDatabaseConfig {

    private NoDatabaseConfig() {
    }

    /** @param overrides key, value, key, value... over the defaults above */
    public static RunnerConfig of(String pipeline, Path stateDir, String... overrides) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("pipeline.name", pipeline);
        keys.put("source.host", "no-database.invalid");
        keys.put("source.user", "cdc");
        keys.put("state.dir", stateDir.toString());
        keys.put("processor.class", ScriptedProcessor.class.getName());
        keys.put("processor.jdbc.url", NoDatabase.url());
        keys.put("processor.jdbc.pool.size", "1");
        keys.put("processor.read.visibility", "off");
        keys.put("shutdown.timeout.ms", "2000");
        keys.put("ha.lease.check.interval.ms", "100");
        for (int i = 0; i < overrides.length; i += 2) {
            keys.put(overrides[i], overrides[i + 1]);
        }
        try {
            return ConfigLoader.fromMap(keys);
        } catch (ConfigException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * {@link #of} as one of several instances ({@code ha.enabled}: the pipeline stands by before a term), the lease
     * checked every 100 ms, a lease timeout of 300 ms (below the parser's minimum of 1 s: a step-down for a source out
     * of reach waits that long before taking the lease again).
     */
    public static RunnerConfig ofSeveral(String pipeline, Path stateDir, String... overrides) {
        RunnerConfig config = of(pipeline, stateDir, overrides);
        return ConfigVariants.withHa(config, new HaSettings(true, Duration.ofMillis(300),
                config.ha().checkInterval()));
    }
}
