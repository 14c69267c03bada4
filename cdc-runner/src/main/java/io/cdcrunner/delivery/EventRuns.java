package io.cdcrunner.delivery;

import java.util.List;

import io.cdcrunner.processor.ChangeEvent;

/** Processes a run of events (each ordering key's in order) and says how each ended: what {@link Lanes} do. */
@FunctionalInterface
public interface EventRuns {

    /** @return one result per event, in the order of {@code events} */
    List<EventResult> process(List<ChangeEvent> events) throws InterruptedException;
}
