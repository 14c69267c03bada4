package io.cdcrunner.delivery;

/** What one delivery of an event did. */
public enum Outcome {
    /** The processor ran and returned. */
    PROCESSED,
    /** The event was already in the ledger: a redelivery, skipped. */
    DUPLICATE
}
