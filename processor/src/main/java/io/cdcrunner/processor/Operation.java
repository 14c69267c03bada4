package io.cdcrunner.processor;

/**
 * The kind of committed change an event describes: a row change ({@link #INSERT}, {@link #UPDATE}, {@link #DELETE})
 * or a change of a whole table ({@link #TRUNCATE}, {@link #DROP}).
 *
 * <p>A table event has no key and no rows ({@link ChangeEvent#key()}, {@link ChangeEvent#before()} and
 * {@link ChangeEvent#after()} are empty). It is processed on its own: every event read before it has finished
 * before it starts, and no event read after it starts before it has finished. A processor that only handles rows
 * returns at once for it ({@code if (!event.operation().isRowChange()) return;}), or leaves {@code truncate} and
 * {@code drop} out of {@code source.operations}.
 */
public enum Operation {
    /** A row was inserted; {@link ChangeEvent#after()} holds it. */
    INSERT,
    /** A row was updated; {@link ChangeEvent#before()} and {@link ChangeEvent#after()} hold both images. */
    UPDATE,
    /** A row was deleted; {@link ChangeEvent#before()} holds the deleted row. */
    DELETE,
    /** {@code TRUNCATE TABLE}: every row of the table was removed. No row events are logged for them. */
    TRUNCATE,
    /**
     * The table was dropped ({@code DROP TABLE}, or {@code DROP DATABASE} of its database: one event per captured
     * table of that database). No row events are logged for its rows.
     */
    DROP;

    /** Whether the event is about one row (insert, update, delete) rather than a whole table. */
    public boolean isRowChange() {
        return this == INSERT || this == UPDATE || this == DELETE;
    }
}
