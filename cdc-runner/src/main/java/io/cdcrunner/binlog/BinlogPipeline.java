package io.cdcrunner.binlog;

import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.delivery.ProcessedListener;
import io.cdcrunner.pipeline.Pipeline;

/** A {@link Pipeline} reading the MySQL/MariaDB binlog: what {@code cdc-runner run} starts. */
public final class BinlogPipeline {

    private BinlogPipeline() {
    }

    public static Pipeline create(RunnerConfig config, ProcessedListener listener) {
        return new Pipeline(config, new BinlogSource(config), listener);
    }

    public static Pipeline create(RunnerConfig config) {
        return create(config, ProcessedListener.NONE);
    }
}
