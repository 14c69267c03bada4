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

    /** One term of a pipeline several instances run ({@code ha.enabled}), reporting to their shared monitoring. */
    public static Pipeline create(RunnerConfig config, io.cdcrunner.metrics.PipelineMonitoring monitoring) {
        return new Pipeline(config, new BinlogSource(config), ProcessedListener.NONE, monitoring);
    }

    public static Pipeline create(RunnerConfig config) {
        return create(config, ProcessedListener.NONE);
    }
}
