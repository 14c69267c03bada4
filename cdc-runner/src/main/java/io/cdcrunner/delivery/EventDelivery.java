package io.cdcrunner.delivery;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import io.cdcrunner.jdbc.HaSessionLimit;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.EventProcessor;
import io.cdcrunner.processor.GroupProcessor;
import io.cdcrunner.processor.TransactionalGroupProcessor;
import io.cdcrunner.processor.TransactionalProcessor;

/**
 * Runs the processor on one event, once. A {@link TransactionalProcessor} runs inside a transaction that
 * also records the event in the {@link Ledger}; an event already recorded is skipped. Used by the
 * processing lanes and by dead-letter replay alike.
 */
public final class EventDelivery {

    private final EventProcessor processor;
    private final TransactionalProcessor transactional;
    private final GroupProcessor groups;
    private final TransactionalGroupProcessor transactionalGroups;
    private final DataSource dataSource;
    private final Ledger ledger;
    private final HaSessionLimit sessionLimit;

    public EventDelivery(EventProcessor processor, DataSource dataSource, Ledger ledger) {
        this(processor, dataSource, ledger, HaSessionLimit.NONE);
    }

    /** @param sessionLimit how long the data source's sessions may leave a transaction idle ({@code ha.enabled}) */
    public EventDelivery(EventProcessor processor, DataSource dataSource, Ledger ledger, HaSessionLimit sessionLimit) {
        this.sessionLimit = sessionLimit;
        this.processor = processor;
        this.transactional = processor instanceof TransactionalProcessor t ? t : null;
        // A transactional processor takes groups only as a TransactionalGroupProcessor: as a plain GroupProcessor its
        // groups would bypass the ledger, so it keeps the per-event transactional path.
        this.groups = processor instanceof GroupProcessor g && transactional == null ? g : null;
        this.transactionalGroups = processor instanceof TransactionalGroupProcessor g ? g : null;
        this.dataSource = dataSource;
        this.ledger = ledger;
    }

    /** True when the processor's writes are deduplicated through the ledger. */
    public boolean isTransactional() {
        return transactional != null;
    }

    /** True when the processor takes an ordering key's events of a batch at once ({@link #deliverGroup}). */
    public boolean takesGroups() {
        return groups != null || transactionalGroups != null;
    }

    /** Prepares the ledger table when the processor needs it. */
    public void open() throws SQLException {
        if (transactional != null) {
            ledger.create(dataSource);
        }
    }

    public Ledger ledger() {
        return ledger;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * Delivers the event once.
     *
     * @return {@link EventResult#PROCESSED}, or {@link EventResult#DUPLICATE} when the ledger already holds the event
     * @throws Exception whatever the processor (or the database) threw; nothing was committed then
     */
    public EventResult deliver(ChangeEvent event) throws Exception {
        if (transactional == null) {
            processor.process(event);
            return EventResult.PROCESSED;
        }
        return inTransaction(c -> {
            if (!ledger.record(c, event)) {
                c.rollback();
                return EventResult.DUPLICATE;
            }
            transactional.process(event, c);
            c.commit();
            return EventResult.PROCESSED;
        });
    }

    /** Work in one transaction, which it commits (or rolls back) itself. */
    @FunctionalInterface
    private interface InTransaction<T> {
        T run(Connection transaction) throws Exception;
    }

    /**
     * Runs {@code work} on a pooled connection with auto-commit off (the pool restores it when the connection is
     * returned), rolling back when it throws. A failure is classified once the broken connection is back in the pool
     * ({@link IdleTransactionEnded}), so that telling a lost database from an ended session takes no second one.
     */
    private <T> T inTransaction(InTransaction<T> work) throws Exception {
        long began = System.nanoTime();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            began = System.nanoTime();
            try {
                return work.run(c);
            } catch (Exception | Error e) {
                rollbackQuietly(c, e);
                throw e;
            }
        } catch (Exception e) {
            throw IdleTransactionEnded.classify(e, began, sessionLimit, dataSource);
        }
    }

    /**
     * Delivers the events of one ordering key at once, to a processor that {@link #takesGroups()}. A transactional
     * one gets the events the ledger does not hold yet, in one transaction with their ledger rows (none at all when
     * it holds every one).
     *
     * @return one result per event, index for index: {@link EventResult#DUPLICATE} for the events the ledger held,
     *         {@link EventResult#PROCESSED} for the others
     * @throws Exception whatever the processor (or the database) threw; nothing of the group was committed then
     */
    public List<EventResult> deliverGroup(List<ChangeEvent> events) throws Exception {
        if (transactionalGroups == null) {
            groups.processGroup(events);
            return java.util.Collections.nCopies(events.size(), EventResult.PROCESSED);
        }
        return inTransaction(c -> {
            List<ChangeEvent> fresh = ledger.recordNew(c, events);
            if (!fresh.isEmpty()) {
                transactionalGroups.processGroup(fresh, c);
            }
            c.commit();
            Set<ChangeEvent> applied = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            applied.addAll(fresh);
            List<EventResult> results = new ArrayList<>(events.size());
            for (ChangeEvent event : events) {
                results.add(applied.contains(event) ? EventResult.PROCESSED : EventResult.DUPLICATE);
            }
            return results;
        });
    }

    /**
     * The ids of those of {@code events} the ledger holds (committed before); none for a processor without a ledger,
     * and none when the ledger cannot be read (the caller then treats every event as not applied).
     */
    public Set<String> alreadyApplied(List<ChangeEvent> events) {
        if (transactional == null) {
            return Set.of();
        }
        try (Connection c = dataSource.getConnection()) {
            return ledger.recorded(c, events);
        } catch (SQLException e) {
            return Set.of();
        }
    }

    /** True when {@link #deliverGroups} can take several groups in one transaction. */
    public boolean takesGroupsTogether() {
        return transactionalGroups != null;
    }

    /**
     * Delivers several groups (distinct ordering keys) in one transaction, to a processor that
     * {@link #takesGroupsTogether()}: one ledger lookup and insert for all their events, then
     * {@link TransactionalGroupProcessor#processGroups} with the events the ledger did not hold, then one commit.
     *
     * @return per group, one result per event, index for index (as {@link #deliverGroup})
     * @throws Exception whatever the processor (or the database) threw; nothing of any group was committed then
     */
    public List<List<EventResult>> deliverGroups(List<List<ChangeEvent>> groups) throws Exception {
        List<ChangeEvent> all = new ArrayList<>();
        groups.forEach(all::addAll);
        return inTransaction(c -> {
            Set<ChangeEvent> applied = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            applied.addAll(ledger.recordNew(c, all));
            List<List<ChangeEvent>> fresh = new ArrayList<>(groups.size());
            for (List<ChangeEvent> group : groups) {
                List<ChangeEvent> freshOfGroup = group.stream().filter(applied::contains).toList();
                if (!freshOfGroup.isEmpty()) {
                    fresh.add(freshOfGroup);
                }
            }
            if (!fresh.isEmpty()) {
                transactionalGroups.processGroups(fresh, c);
            }
            c.commit();
            List<List<EventResult>> results = new ArrayList<>(groups.size());
            for (List<ChangeEvent> group : groups) {
                results.add(group.stream()
                        .map(event -> applied.contains(event) ? EventResult.PROCESSED : EventResult.DUPLICATE).toList());
            }
            return results;
        });
    }

    private static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
