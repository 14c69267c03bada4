package io.cdcrunner.processor;

import java.util.List;

/**
 * A processor that works per ordering key: instead of once per event, it is called once per distinct ordering key
 * (table + primary key, or the value of {@code processor.ordering.column}) per batch, with all of that key's events of
 * the batch. Its work for a key then happens once, however many of the key's rows the batch holds: a group result
 * is computed once, after all of them are visible (the read barrier runs for each event of the group before it).
 * A processor that is also a {@link TransactionalProcessor} must implement {@link TransactionalGroupProcessor} to be
 * called per group; otherwise it is called per event, in the ledger's transactions.
 *
 * <h2>What is guaranteed</h2>
 * <ul>
 *   <li>A group holds events of one key only, in commit order; groups of different keys may run at the same time
 *       on different lanes. Table events ({@link Operation#TRUNCATE}, {@link Operation#DROP}) come alone, as a group
 *       of one, after every event before them and before any after them.</li>
 *   <li>A group is handled as a unit: returning means every event of it is done; throwing means none is. The group
 *       is retried as a unit (with backoff, up to {@code processor.retry.max.attempts}). A group of several events
 *       that still fails then goes on event by event, in commit order, each a group of one with attempts of its own:
 *       the events that succeed alone are done, and only those that still fail are stored as dead letters (then
 *       {@code dlq replay} replays them one at a time, as groups of one), or with {@code processor.on.failure=halt}
 *       the pipeline stops before the first of them. So a group of n events that always fails is called up to
 *       (n + 1) times the attempts.</li>
 *   <li>Delivery is at least once, as for any {@link EventProcessor}: after a crash a group may come again, in part
 *       or whole. A {@link TransactionalGroupProcessor} is effectively once instead.</li>
 * </ul>
 *
 * <p>{@link #process} is not called by the daemon for such a processor; it stays usable for a single event.
 */
public interface GroupProcessor extends EventProcessor {

    /** Processes the batch's events of one ordering key, in commit order (see the class documentation). */
    void processGroup(List<ChangeEvent> events) throws Exception;

    /** One event is a group of one. */
    @Override
    default void process(ChangeEvent event) throws Exception {
        processGroup(List.of(event));
    }
}
