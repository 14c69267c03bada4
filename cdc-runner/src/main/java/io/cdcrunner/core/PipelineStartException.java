package io.cdcrunner.core;

/** The pipeline could not start; the message names the problem and what to change. */
public class PipelineStartException extends RuntimeException {

    public PipelineStartException(String message) {
        super(message);
    }

    public PipelineStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
