package io.cdcrunner.processor;

import java.sql.Connection;
import java.util.List;

/**
 * A {@link TransactionalProcessor} that works per ordering key, as a {@link GroupProcessor} does: called once per
 * distinct ordering key per batch with that key's events in commit order, in one transaction for the group.
 *
 * <h2>Ledger and redelivery</h2>
 * In the group's transaction the daemon first looks the group's event ids up in the ledger ({@code
 * processor.ledger.table}) with one query, records the others with one multi-row insert (per 1,000 events), and
 * hands only those to {@link #processGroup}; the transaction commits the ledger rows and the processor's writes
 * together, so once it commits every event of the group is in the ledger. A group delivered again
 * after a crash, in part already committed, comes with the committed events left out: the rest is handed over,
 * still in commit order; when all of it was committed, {@code processGroup} is not called. A failure rolls the whole
 * group back (ledger rows included) and the group is retried as a unit, then dead-lettered event by event or halted
 * (see {@link GroupProcessor}).
 */
public interface TransactionalGroupProcessor extends TransactionalProcessor {

    /**
     * Applies the events (one ordering key, commit order, none already applied) through {@code transaction}. Do not
     * commit, roll back or close it, and do not change its auto-commit mode: the daemon does.
     */
    void processGroup(List<ChangeEvent> events, Connection transaction) throws Exception;

    /** One event is a group of one. */
    @Override
    default void process(ChangeEvent event, Connection transaction) throws Exception {
        processGroup(List.of(event), transaction);
    }
}
