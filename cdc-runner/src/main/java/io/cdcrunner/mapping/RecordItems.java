package io.cdcrunner.mapping;

import java.util.List;
import java.util.Set;

import org.apache.kafka.connect.source.SourceRecord;

import io.cdcrunner.core.SourceItem;
import io.cdcrunner.core.SourceItem.Phase;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Operation;

/**
 * Maps each change record of the MySQL/MariaDB connectors, from the embedded engine or from a Kafka topic, into the
 * item the pipeline processes: the same record gives the same item whichever way it came.
 */
public final class RecordItems {

    private final RecordMapper mapper;
    private final DropEvents tableEvents;
    private final Set<Operation> operations;

    /**
     * @param tableEvents turns schema changes into DROP events; null where schema changes are not read (a schema
     *                    change is then nothing to process)
     * @param operations  the operations delivered; other changes are passed over
     */
    public RecordItems(RecordMapper mapper, DropEvents tableEvents, Set<Operation> operations) {
        this.mapper = mapper;
        this.tableEvents = tableEvents;
        this.operations = Set.copyOf(operations);
    }

    /** What the record is to the pipeline: a row change, table events, an unmappable record, or nothing to do. */
    public SourceItem item(SourceRecord record) {
        Phase phase = mapper.phase(record);
        ChangeEvent event;
        try {
            event = mapper.map(record);
        } catch (RuntimeException e) {
            // Handled in binlog order, once the events before it are done.
            SourceItem.Unmappable unmappable = mapper.unmappable(record, e);
            if (unmappable.described() != null && !operations.contains(unmappable.described().operation())) {
                return SourceItem.passedOver(unmappable.described(), phase);
            }
            return SourceItem.unmappable(unmappable, phase);
        }
        if (event == null) {
            return mapSchemaChange(mapper.schemaChange(record), phase);
        }
        if (!operations.contains(event.operation())) {
            return SourceItem.passedOver(event, phase);
        }
        return event.operation().isRowChange() ? SourceItem.row(event, phase) : SourceItem.tableEvents(List.of(event), phase);
    }

    /** A record that is no row change: a schema change (maybe DROP events), or nothing to process. */
    private SourceItem mapSchemaChange(SchemaChange schemaChange, Phase phase) {
        if (schemaChange == null || tableEvents == null) {
            return SourceItem.nothing(phase);
        }
        List<ChangeEvent> drops = tableEvents.of(schemaChange);
        if (schemaChange.position().snapshot()) {
            // The engine's schema snapshot carries the position it was taken at, which can be past the position
            // streaming resumes from (a first start records the binlog end before the engine reads the schema):
            // recording it would skip the rows in between. Nor is it rows or the stream.
            return SourceItem.nothing(Phase.NONE);
        }
        return drops.isEmpty() || !operations.contains(Operation.DROP)
                ? SourceItem.nothing(phase) : SourceItem.tableEvents(drops, phase);
    }
}
