package io.cdcrunner.delivery;

import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.config.DeliverySettings;
import io.cdcrunner.processor.ChangeEvent;

/**
 * What happens to an event after its last attempt: the pipeline halts ({@code processor.on.failure=halt}, or the
 * dead-letter store failed: halting rather than losing it), or it is stored as a dead letter and counted.
 */
final class GivingUp {

    /** Under the name operators filter on. */
    private static final Logger log = LoggerFactory.getLogger(RetryingDelivery.class);

    private final DeliverySettings.FailureMode mode;
    private final DeadLetterSink deadLetters;
    private final DeliveryCounters counters;

    GivingUp(DeliverySettings.FailureMode mode, DeadLetterSink deadLetters, DeliveryCounters counters) {
        this.mode = mode;
        this.deadLetters = deadLetters;
        this.counters = counters;
    }

    boolean halts() {
        return mode == DeliverySettings.FailureMode.HALT;
    }

    /** {@link #store}, with the log line of a stored dead letter. */
    EventResult giveUp(ChangeEvent event, Throwable error, int attempts, Instant firstFailure) {
        EventResult result = store(event, error, attempts, firstFailure);
        if (result.status() == EventResult.Status.DEAD_LETTERED) {
            log.error("gave up on {} after {} attempt(s), stored as a dead letter: {}", event, attempts, error.toString());
        }
        return result;
    }

    /** After the last attempt: halted (halt mode, or the store failed), or stored as a dead letter and counted. */
    EventResult store(ChangeEvent event, Throwable error, int attempts, Instant firstFailure) {
        Instant first = firstFailure != null ? firstFailure : Instant.now();
        if (halts()) {
            return new EventResult(EventResult.Status.HALTED, error);
        }
        try {
            deadLetters.deadLetter(event, error, attempts, first, Instant.now());
        } catch (Exception storeFailure) {
            error.addSuppressed(storeFailure);
            log.error("could not store {} as a dead letter ({}); halting rather than losing it", event,
                    storeFailure.toString());
            return new EventResult(EventResult.Status.HALTED, error);
        }
        counters.onDeadLettered();
        return new EventResult(EventResult.Status.DEAD_LETTERED, error);
    }
}
