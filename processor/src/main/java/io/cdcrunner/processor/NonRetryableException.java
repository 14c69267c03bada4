package io.cdcrunner.processor;

/** Thrown by a processor to say that processing this event again cannot succeed. */
public class NonRetryableException extends RuntimeException {

    public NonRetryableException(String message) {
        super(message);
    }

    public NonRetryableException(String message, Throwable cause) {
        super(message, cause);
    }
}
