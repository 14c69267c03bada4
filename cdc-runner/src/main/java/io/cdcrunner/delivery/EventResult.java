package io.cdcrunner.delivery;

/**
 * How an event's processing ended.
 *
 * @param status what happened
 * @param error  the last failure for {@code DEAD_LETTERED} and {@code HALTED}, else null
 */
public record EventResult(Status status, Throwable error) {

    public enum Status {
        /** The processor returned. */
        PROCESSED,
        /** Already in the ledger: skipped. */
        DUPLICATE,
        /** Failed every attempt and was stored as a dead letter: the stream may pass it. */
        DEAD_LETTERED,
        /** Failed and the pipeline must stop before it. */
        HALTED,
        /** Not finished because the pipeline is stopping: it will be delivered again. */
        ABANDONED
    }

    public static final EventResult PROCESSED = new EventResult(Status.PROCESSED, null);
    public static final EventResult DUPLICATE = new EventResult(Status.DUPLICATE, null);
    public static final EventResult ABANDONED = new EventResult(Status.ABANDONED, null);

    /** True when the recorded position may pass this event. */
    public boolean finished() {
        return status == Status.PROCESSED || status == Status.DUPLICATE || status == Status.DEAD_LETTERED;
    }
}
