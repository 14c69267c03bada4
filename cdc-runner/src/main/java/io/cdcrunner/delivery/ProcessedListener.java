package io.cdcrunner.delivery;

import io.cdcrunner.processor.ChangeEvent;

/** Told about every event the processor finished, on the lane that processed it (several lanes may call at once); must be quick. */
@FunctionalInterface
public interface ProcessedListener {

    ProcessedListener NONE = (event, nanoTime) -> { };

    /**
     * @param event    the event whose {@code process} call returned
     * @param nanoTime {@link System#nanoTime()} when it returned
     */
    void processed(ChangeEvent event, long nanoTime);

    /**
     * The same, with the {@link System#nanoTime()} at which delivery of the event began (so including retries);
     * the lanes call this one. By default it forwards to {@link #processed(ChangeEvent, long)}.
     */
    default void processed(ChangeEvent event, long startNanoTime, long nanoTime) {
        processed(event, nanoTime);
    }
}
