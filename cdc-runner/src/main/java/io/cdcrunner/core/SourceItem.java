package io.cdcrunner.core;

import java.util.List;
import java.util.function.Supplier;

import io.cdcrunner.processor.ChangeEvent;

/**
 * What one record of a source became: the events to process (none, one row change, or table events), or the reason
 * it could not be mapped; and where the source was when it read it.
 *
 * @param events      row changes (at most one) or, when {@code tableEvents}, TRUNCATE/DROP events, each processed
 *                    alone between the row changes before and after it
 * @param tableEvents whether {@code events} are table events
 * @param unmappable  set when the record could not be mapped to an event; {@code events} is then empty
 * @param phase       whether the source was reading the rows already there or the changes after them
 * @param passedOver  for a record with nothing to process that is a change all the same (an operation not
 *                    delivered): its event, whose commit time still tells how far behind the source the pipeline is;
 *                    else null
 */
public record SourceItem(List<ChangeEvent> events, boolean tableEvents, Unmappable unmappable, Phase phase,
                         ChangeEvent passedOver) {

    /** Where the source was. */
    public enum Phase {
        /** Reading the rows already there (an initial snapshot). */
        SNAPSHOT,
        /** Reading the changes. */
        STREAM,
        /** Neither (the engine reading table definitions): no change of the pipeline's state. */
        NONE
    }

    private static final SourceItem NOTHING_STREAMED = new SourceItem(List.of(), false, null, Phase.STREAM, null);

    public SourceItem {
        events = List.copyOf(events);
    }

    /** A record with nothing to process (a heartbeat, an operation not delivered...). */
    public static SourceItem nothing(Phase phase) {
        return phase == Phase.STREAM ? NOTHING_STREAMED : new SourceItem(List.of(), false, null, phase, null);
    }

    /** A change not to process (its operation is not delivered): nothing to do, but it counts for the lag. */
    public static SourceItem passedOver(ChangeEvent event, Phase phase) {
        return new SourceItem(List.of(), false, null, phase, event);
    }

    public static SourceItem row(ChangeEvent event, Phase phase) {
        return new SourceItem(List.of(event), false, null, phase, null);
    }

    public static SourceItem tableEvents(List<ChangeEvent> events, Phase phase) {
        return new SourceItem(events, true, null, phase, null);
    }

    public static SourceItem unmappable(Unmappable unmappable, Phase phase) {
        return new SourceItem(List.of(), false, unmappable, phase, null);
    }

    /**
     * A record the daemon could not map to an event.
     *
     * @param error     why
     * @param described what is known without its values (table, operation, position), or null
     * @param where     where it was read, for messages when {@code described} is null
     * @param rawForm   the record in a form that can be mapped again later ({@code dlq replay})
     */
    public record Unmappable(RuntimeException error, ChangeEvent described, String where, Supplier<String> rawForm) {
    }
}
