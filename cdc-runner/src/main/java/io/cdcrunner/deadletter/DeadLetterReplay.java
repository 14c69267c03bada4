package io.cdcrunner.deadletter;

import java.time.Clock;
import java.util.Objects;
import java.util.function.Function;

import io.cdcrunner.delivery.EventDelivery;
import io.cdcrunner.delivery.EventResult;
import io.cdcrunner.delivery.VisibilityBarrier;
import io.cdcrunner.processor.ChangeEvent;

/**
 * Runs stored dead letters through the processor again, on the daemon's delivery path, so a
 * {@link io.cdcrunner.processor.TransactionalProcessor}'s ledger still keeps effects to one per event. A
 * letter that is delivered (or that the ledger shows was delivered already) is removed from the store; one
 * that fails again stays, with the new error, one more attempt and the new failure time. Each event first
 * passes the read barrier, as in the daemon: a wait that times out fails the replay of that letter. A letter
 * of a change record the daemon could not map is mapped again first; a mapping that fails again fails the replay.
 */
public final class DeadLetterReplay {

    private final DeadLetterStore store;
    private final EventDelivery delivery;
    private final VisibilityBarrier barrier;
    private final Clock clock;
    private final Function<String, ChangeEvent> mapStoredRecord;

    /**
     * @param delivery already {@linkplain EventDelivery#open() opened}
     * @param barrier  the processor's read barrier, {@link VisibilityBarrier#NONE} when it needs none
     * @param mapStoredRecord maps the {@linkplain DeadLetter#sourceRecord() stored record} of a letter the daemon
     *                 could not map (with this version's mapping, which may now succeed); it throws when it cannot
     */
    public DeadLetterReplay(DeadLetterStore store, EventDelivery delivery, VisibilityBarrier barrier, Clock clock,
                            Function<String, ChangeEvent> mapStoredRecord) {
        this.mapStoredRecord = Objects.requireNonNull(mapStoredRecord, "mapStoredRecord");
        this.store = Objects.requireNonNull(store, "store");
        this.delivery = Objects.requireNonNull(delivery, "delivery");
        this.barrier = Objects.requireNonNull(barrier, "barrier");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What replaying one dead letter did. */
    public record Result(DeadLetter letter, EventResult outcome, Exception error) {

        /** True when the event's effect is in place and the letter was removed. */
        public boolean succeeded() {
            return error == null;
        }
    }

    /**
     * Delivers {@code letter}'s event once and updates the store accordingly.
     *
     * @throws DeadLetterStoreException if the store cannot be updated; after a successful delivery the
     *                                  letter then stays stored, and replaying it again is safe only for a
     *                                  transactional processor (the ledger skips it)
     */
    public Result replay(DeadLetter letter) {
        EventResult outcome;
        try {
            ChangeEvent event = letter.isUnmapped() ? mapStoredRecord.apply(letter.sourceRecord()) : letter.event();
            barrier.reset();
            barrier.ensureVisible(event);
            outcome = delivery.deliver(event);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            store.add(letter.failedAgain(e, clock.instant()));
            return new Result(letter, null, e);
        }
        store.remove(letter.id());
        return new Result(letter, outcome, null);
    }
}
