package io.cdcrunner.pipeline;

import io.cdcrunner.core.PipelineStartException;
import io.cdcrunner.config.ConfigException;
import io.cdcrunner.config.DeliverySettings;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.deadletter.DeadLetterStoreException;
import io.cdcrunner.deadletter.DeadLetterStoreSink;
import io.cdcrunner.delivery.DeadLetterSink;

/** Opens the configured dead-letter store as the lanes' sink. */
final class DeadLetterWiring {

    private DeadLetterWiring() {
    }

    static DeadLetterSink open(RunnerConfig config) {
        if (config.delivery().onFailure() == DeliverySettings.FailureMode.HALT) {
            return (event, error, attempts, first, last) -> {
                throw new IllegalStateException("processor.on.failure=halt keeps no dead letters");
            };
        }
        try {
            return DeadLetterStoreSink.open(config);
        } catch (ConfigException e) {
            throw new PipelineStartException(e.getMessage(), e);
        } catch (DeadLetterStoreException e) {
            throw new PipelineStartException("cannot open the dead-letter store: " + e.getMessage(), e);
        }
    }
}
