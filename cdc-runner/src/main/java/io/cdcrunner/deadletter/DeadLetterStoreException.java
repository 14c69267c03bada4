package io.cdcrunner.deadletter;

/**
 * The dead-letter store could not be read or written. The message says what failed and what to do; it
 * never holds a password.
 */
public class DeadLetterStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DeadLetterStoreException(String message) {
        super(message);
    }

    public DeadLetterStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
