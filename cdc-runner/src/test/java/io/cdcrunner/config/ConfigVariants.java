package io.cdcrunner.config;

/**
 * Variants of a parsed configuration the parser would refuse, for unit-tier tests of one concern: they reach the
 * constructor the parser uses, after its checks.
 */
public final class ConfigVariants {

    private ConfigVariants() {
    }

    /**
     * {@code config} with {@code ha} in place of its {@code ha.*} keys, its state and dead letters left as they are:
     * with {@code ha.enabled} the parser requires them on the lease's database, which the lifecycle's decisions do
     * not read (the lease is a fake). {@link RunnerConfig#describe} of the copy lists no keys.
     */
    public static RunnerConfig withHa(RunnerConfig config, HaSettings ha) {
        return new RunnerConfig(config.pipelineName(), config.source(), config.sourceType(), config.kafka(),
                config.stateDir(), config.offsetFlushInterval(), config.processor(), config.read(), config.delivery(),
                config.deadLetters(), config.state(), ha, config.engine(), config.backfill(), config.shutdownTimeout(), config.jmx(),
                config.debeziumOverrides(), java.util.Map.of(), config.secretValues());
    }
}
