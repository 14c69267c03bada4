package io.cdcrunner.assembly;

import io.cdcrunner.binlog.BinlogSource;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.config.SourceSettings;
import io.cdcrunner.core.EventSource;
import io.cdcrunner.delivery.ProcessedListener;
import io.cdcrunner.ha.DatabaseLease;
import io.cdcrunner.kafka.KafkaSource;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.pipeline.PipelineRunner;
import io.cdcrunner.pipeline.TermLease;

/**
 * What the configuration runs: a {@link Pipeline} over the source {@code source.type} names (a new one per term), and
 * the {@link TermLease} it runs under ({@code ha.enabled}: the lease on the state server; else held for good). The
 * term's own object graph is built in one place too, {@code io.cdcrunner.pipeline.TermAssembly}.
 */
public final class Pipelines {

    private Pipelines() {
    }

    /** The pipeline {@code cdc-runner run} runs, under its lease, until SIGTERM or its end. */
    public static PipelineRunner runner(RunnerConfig config) {
        TermLease lease = config.ha().enabled() ? new DatabaseLease(config) : TermLease.sole();
        return new PipelineRunner(config, create(config, ProcessedListener.NONE), lease);
    }

    public static Pipeline create(RunnerConfig config) {
        return create(config, ProcessedListener.NONE);
    }

    /** A pipeline whose finished events are also told to {@code listener} (demos, benchmarks, tests). */
    public static Pipeline create(RunnerConfig config, ProcessedListener listener) {
        return new Pipeline(config, () -> source(config), listener);
    }

    private static EventSource source(RunnerConfig config) {
        return config.sourceType() == SourceSettings.SourceType.KAFKA ? new KafkaSource(config)
                : new BinlogSource(config);
    }
}
