package io.cdcrunner.pipeline;

import io.cdcrunner.core.PipelineStartException;

/**
 * The processor's configuration is wrong (a class that cannot be loaded or constructed, a key it rejects or does
 * not know): found before the daemon records or starts anything, and reported as a configuration error (exit 2).
 */
public final class ProcessorProblem extends PipelineStartException {

    public ProcessorProblem(String message) {
        super(message);
    }

    public ProcessorProblem(String message, Throwable cause) {
        super(message, cause);
    }
}
