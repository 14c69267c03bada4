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
 * group back (ledger rows included) and the group is retried as a unit; after its last attempt its events go on one
 * by one, each in a transaction of its own with its own attempts, and only those that still fail are dead-lettered
 * or halt (see {@link GroupProcessor}).
 *
 * <h2>Several groups in one transaction</h2>
 * A transaction costs round trips of its own (the ledger's two statements, the commit), which a busy database with
 * many small groups pays per group. So the daemon hands a lane's groups of a batch to {@link #processGroups} in one
 * transaction (up to {@value #MAX_EVENTS_PER_TRANSACTION} events, a group never split); a processor that can do
 * the work of several keys in one statement overrides it, the default calls {@link #processGroup} for each. If that
 * transaction fails, nothing of it is committed and the daemon goes on group by group, each in a transaction of its
 * own with the retries above, so a failing group holds back no other. Whatever the transaction, a group's events
 * are in the ledger once it commits, and every group's events keep their commit order.
 */
public interface TransactionalGroupProcessor extends TransactionalProcessor {

    /**
     * Applies the events (one ordering key, commit order, none already applied) through {@code transaction}. Do not
     * commit, roll back or close it, and do not change its auto-commit mode: the daemon does.
     */
    void processGroup(List<ChangeEvent> events, Connection transaction) throws Exception;

    /** The most events the daemon hands to {@link #processGroups} in one transaction. */
    int MAX_EVENTS_PER_TRANSACTION = 1000;

    /**
     * Applies several groups (distinct ordering keys of one batch, each group in commit order, no event already
     * applied) through {@code transaction}; the default applies them one after the other with {@link #processGroup}.
     * The same rules as there: do not commit, roll back or close the transaction. Throwing rolls every group back.
     */
    default void processGroups(List<List<ChangeEvent>> groups, Connection transaction) throws Exception {
        for (List<ChangeEvent> group : groups) {
            processGroup(group, transaction);
        }
    }

    /** One event is a group of one. */
    @Override
    default void process(ChangeEvent event, Connection transaction) throws Exception {
        processGroup(List.of(event), transaction);
    }
}
