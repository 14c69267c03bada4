package io.cdcrunner.processor;

import java.sql.Connection;

/**
 * A processor whose effects are database writes, applied effectively once.
 *
 * <p>For each event the daemon opens a transaction on the processor's data source, records the event's
 * {@link ChangeEvent#eventId()} in a ledger table ({@code processor.ledger.table}), calls
 * {@link #process(ChangeEvent, Connection)} with that transaction, and commits both together. An event
 * delivered again (after a crash or a restart) whose id is already in the ledger is skipped and counted,
 * so its writes are never applied twice. The ledger and the processor's tables must be reachable through
 * the same connection (the same server).
 *
 * <p>The rest of the {@link EventProcessor} contract holds: a thrown exception rolls the transaction
 * back (ledger entry included) and the event is retried or handled per {@code processor.on.failure}.
 */
public interface TransactionalProcessor extends EventProcessor {

    /**
     * Applies the event through {@code transaction}. Do not commit, roll back or close it, and do not
     * change its auto-commit mode: the daemon does.
     */
    void process(ChangeEvent event, Connection transaction) throws Exception;

    /** Not called by the daemon for a transactional processor; it calls {@link #process(ChangeEvent, Connection)}. */
    @Override
    default void process(ChangeEvent event) throws Exception {
        throw new UnsupportedOperationException(getClass().getName()
                + " is a TransactionalProcessor: call process(event, transaction)");
    }
}
