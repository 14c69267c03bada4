package io.cdcrunner.binlog;

import java.util.Optional;

import io.cdcrunner.state.StateStore;

/**
 * How the engine starts, decided from what the state store holds and what the configuration asks for:
 *
 * <ul>
 *   <li>offsets recorded in the middle of an initial snapshot (a kill, a stop, a lost connection or a takeover
 *       before its last row): read the tables again ({@code initial}, which Debezium takes as "a previous snapshot
 *       was cancelled"), at the current binlog position; never a no-data start, which would skip the rows not yet
 *       read and every change committed since the snapshot began;</li>
 *   <li>offsets and schema history present: resume ({@code no_data}); with {@code source.recovery=snapshot},
 *       {@code when_needed}, which re-reads the tables if the recorded position was purged;</li>
 *   <li>offsets present, history missing (first start after seeding, or history set aside):
 *       rebuild the schema and resume from the offsets ({@code recovery});</li>
 *   <li>nothing recorded and the tables' rows are asked for ({@code source.start=snapshot}, or a purged position
 *       with {@code source.recovery=snapshot}): read existing rows first ({@code initial});</li>
 *   <li>nothing recorded otherwise: the caller seeds the current binlog position first, then this becomes the
 *       {@code recovery} case.</li>
 * </ul>
 *
 * @param mode                the engine's snapshot mode
 * @param seedCurrentPosition the caller records the binlog end before the engine starts
 * @param redoneSnapshot      when this start reads the tables again because the last snapshot did not finish: where
 *                            that snapshot began, as its offsets say (empty position when they name none)
 */
public record StartPlan(SnapshotMode mode, boolean seedCurrentPosition, Optional<RecordedOffset> redoneSnapshot) {

    public StartPlan(SnapshotMode mode, boolean seedCurrentPosition) {
        this(mode, seedCurrentPosition, Optional.empty());
    }

    /**
     * @param recorded                 the recorded offset, if any
     * @param hasSchemaHistory         whether a schema history is recorded
     * @param snapshotExistingRows     the tables' rows are to be read when nothing is recorded
     * @param snapshotWhenPositionLost {@code source.recovery=snapshot}
     */
    public static StartPlan decide(Optional<RecordedOffset> recorded, boolean hasSchemaHistory,
                                   boolean snapshotExistingRows, boolean snapshotWhenPositionLost) {
        if (recorded.isPresent()) {
            if (recorded.get().snapshotUnfinished()) {
                return new StartPlan(SnapshotMode.INITIAL, false, recorded);
            }
            if (!hasSchemaHistory) {
                return new StartPlan(SnapshotMode.RECOVERY, false);
            }
            return new StartPlan(snapshotWhenPositionLost ? SnapshotMode.WHEN_NEEDED : SnapshotMode.NO_DATA, false);
        }
        if (snapshotExistingRows) {
            return new StartPlan(SnapshotMode.INITIAL, false);
        }
        return new StartPlan(SnapshotMode.RECOVERY, true);
    }

    /** The plan for what {@code state} holds now. */
    public static StartPlan decide(StateStore state, boolean snapshotExistingRows, boolean snapshotWhenPositionLost) {
        return decide(RecordedOffset.in(state.offsets()), state.hasSchemaHistory(), snapshotExistingRows,
                snapshotWhenPositionLost);
    }
}
