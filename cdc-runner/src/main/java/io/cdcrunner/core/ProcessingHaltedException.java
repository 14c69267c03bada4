package io.cdcrunner.core;

import io.cdcrunner.processor.ChangeEvent;

/** The processor failed on an event; the pipeline stops without recording any position past it. */
public class ProcessingHaltedException extends RuntimeException {

    private final transient ChangeEvent event;

    public ProcessingHaltedException(ChangeEvent event, Throwable cause) {
        super("processor failed on " + event + ": " + cause + "; the pipeline stopped without passing this "
                + "event, fix the processor (or the data) and restart to process it again", cause);
        this.event = event;
    }

    /** A halt before {@code event} (null when it could not be told) whose message is the whole story. */
    protected ProcessingHaltedException(String message, ChangeEvent event, Throwable cause) {
        super(message, cause);
        this.event = event;
    }

    public ChangeEvent event() {
        return event;
    }
}
