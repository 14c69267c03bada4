package io.cdcrunner.processor;

/** The kind of committed row change an event describes. */
public enum Operation {
    /** A row was inserted; {@link ChangeEvent#after()} holds it. */
    INSERT,
    /** A row was updated; {@link ChangeEvent#before()} and {@link ChangeEvent#after()} hold both images. */
    UPDATE,
    /** A row was deleted; {@link ChangeEvent#before()} holds the deleted row. */
    DELETE
}
