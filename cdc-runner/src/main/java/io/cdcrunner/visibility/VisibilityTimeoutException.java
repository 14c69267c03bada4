package io.cdcrunner.visibility;

/**
 * The processor's read server did not show an event within {@code processor.read.visibility.timeout.ms}.
 * A retryable failure of the event: the processor did not run, so it never read older state.
 */
public final class VisibilityTimeoutException extends Exception {

    public VisibilityTimeoutException(String message) {
        super(message);
    }

    public VisibilityTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
