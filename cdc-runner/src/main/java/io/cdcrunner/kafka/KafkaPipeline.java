package io.cdcrunner.kafka;

import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.delivery.ProcessedListener;
import io.cdcrunner.pipeline.Pipeline;

/** A {@link Pipeline} consuming the change topics a Connect connector writes ({@code source.type=kafka}). */
public final class KafkaPipeline {

    private KafkaPipeline() {
    }

    public static Pipeline create(RunnerConfig config, ProcessedListener listener) {
        return new Pipeline(config, new KafkaSource(config), listener);
    }
}
