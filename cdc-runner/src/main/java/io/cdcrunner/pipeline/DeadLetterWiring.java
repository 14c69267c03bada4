package io.cdcrunner.pipeline;

import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.delivery.DeadLetterSink;

/** Opens the configured dead-letter store as the lanes' sink. */
final class DeadLetterWiring {

    private DeadLetterWiring() {
    }

    static DeadLetterSink open(RunnerConfig config) {
        return (event, error, attempts, first, last) -> {
            throw new UnsupportedOperationException("no dead-letter store is available yet");
        };
    }
}
