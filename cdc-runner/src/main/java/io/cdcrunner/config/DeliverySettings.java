package io.cdcrunner.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How events reach the processor: lanes, retries and what happens after the last attempt.
 *
 * @param threads        {@code processor.threads}
 * @param orderingColumn {@code processor.ordering.column}; empty means table + primary key
 * @param maxAttempts    {@code processor.retry.max.attempts}
 * @param initialBackoff {@code processor.retry.initial.backoff.ms}
 * @param maxBackoff     {@code processor.retry.max.backoff.ms}
 * @param onFailure      {@code processor.on.failure}
 * @param ledgerTable    {@code processor.ledger.table}, {@code database.table}
 */
public record DeliverySettings(int threads, Optional<String> orderingColumn, int maxAttempts, Duration initialBackoff,
                               Duration maxBackoff, FailureMode onFailure, String ledgerTable) {

    /** What happens to an event whose last attempt failed. */
    public enum FailureMode {
        /** Store it in the dead-letter store and go on. */
        DEAD_LETTER,
        /** Stop the pipeline without passing it. */
        HALT
    }

    public DeliverySettings {
        Objects.requireNonNull(orderingColumn, "orderingColumn");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(onFailure, "onFailure");
        Objects.requireNonNull(ledgerTable, "ledgerTable");
    }
}
