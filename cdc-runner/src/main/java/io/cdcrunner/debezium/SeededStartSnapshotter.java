package io.cdcrunner.debezium;

import java.util.LinkedHashMap;
import java.util.Map;

import io.debezium.bean.StandardBeanNames;
import io.debezium.connector.AbstractSourceInfo;
import io.debezium.connector.SnapshotType;
import io.debezium.pipeline.spi.OffsetContext;
import io.debezium.pipeline.spi.Offsets;
import io.debezium.schema.DatabaseSchema;
import io.debezium.schema.HistorizedDatabaseSchema;
import io.debezium.snapshot.mode.NoDataSnapshotter;

/**
 * Debezium's {@code no_data} snapshot mode for a Kafka Connect connector whose start position was recorded before
 * its task first ran ({@code cdc-runner connector-config --apply} seeds it over Connect's REST API), as
 * {@link io.cdcrunner.binlog.OffsetSeeder} records the embedded engine's. Selected by {@code snapshot.mode=custom} and
 * {@code snapshot.mode.custom.name=}{@value #NAME}; found by Debezium through {@code ServiceLoader}.
 *
 * <p>Why: with plain {@code no_data} a connector commits no offset until its first offset flush after its first
 * record, so a worker that dies before that restarts it at the binlog end, skipping the rows committed in between.
 *
 * <p>The seeded offset ({@link #seededOffset}) is the position marked as an initial snapshot in progress, the one
 * state in which Debezium takes a schema snapshot although an offset exists. While it is so marked (until the task's
 * first flush after the schema snapshot), each start reads the schema, keeps the seeded position
 * ({@link #shouldStreamEventsStartingFromSnapshot()} is false: Debezium's {@code BinlogSnapshotChangeEventSource}
 * otherwise takes the binlog end) and streams from it; afterwards it behaves as {@code no_data} (no schema snapshot
 * on restarts, a lost schema history is an error). As with the embedded engine's first start, a table altered between
 * the seeded position and the first schema snapshot is read with its new definition.
 */
public final class SeededStartSnapshotter extends NoDataSnapshotter {

    /** The snapshotter's name, for {@code snapshot.mode.custom.name}. */
    public static final String NAME = "cdcrunner_seeded_no_data";

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Creates the schema history's storage (its Kafka topic) when the offset is a seeded start: Debezium creates it
     * only when a task starts without an offset. Called once per task start, after the task registered its offsets
     * and schema, before it validates the history.
     */
    @Override
    public void configure(Map<String, ?> properties) {
        super.configure(properties);
        Offsets<?, ?> offsets = beanRegistry.lookupByName(StandardBeanNames.OFFSETS, Offsets.class);
        OffsetContext offset = offsets == null ? null : offsets.getTheOnlyOffset();
        DatabaseSchema<?> schema = beanRegistry.lookupByName(StandardBeanNames.DATABASE_SCHEMA, DatabaseSchema.class);
        if (offset != null && offset.isInitialSnapshotRunning() && schema instanceof HistorizedDatabaseSchema<?> history) {
            history.initializeStorage();
        }
    }

    /** Streams from the seeded position after the schema snapshot, not from the binlog end. */
    @Override
    public boolean shouldStreamEventsStartingFromSnapshot() {
        return false;
    }

    /**
     * The offset that starts a connector of this mode at the position: {@link ConnectorOffsets#startOffset}, marked as
     * an initial snapshot in progress, so its first start reads the schema and streams from the position.
     */
    public static Map<String, Object> seededOffset(String binlogFile, long position, String gtidSet) {
        Map<String, Object> offset = new LinkedHashMap<>(ConnectorOffsets.startOffset(binlogFile, position, gtidSet));
        offset.put(AbstractSourceInfo.SNAPSHOT_KEY, SnapshotType.INITIAL.name());
        return offset;
    }
}
