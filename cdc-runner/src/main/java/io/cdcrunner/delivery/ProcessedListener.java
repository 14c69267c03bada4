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
}
