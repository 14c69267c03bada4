package io.cdcrunner.delivery;

import java.time.Instant;

import io.cdcrunner.processor.ChangeEvent;

/** Where an event goes after its last failed attempt, when the pipeline does not halt. */
@FunctionalInterface
public interface DeadLetterSink {

    /**
     * Stores the event durably; returns only once it is stored.
     *
     * @throws Exception if it could not be stored: the pipeline then halts rather than lose the event
     */
    void deadLetter(ChangeEvent event, Throwable error, int attempts, Instant firstFailure, Instant lastFailure)
            throws Exception;
}
