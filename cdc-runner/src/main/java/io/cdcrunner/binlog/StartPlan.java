package io.cdcrunner.binlog;

/**
 * How the engine starts, decided from the state directory and the configured start:
 *
 * <ul>
 *   <li>offsets and schema history present: resume ({@code no_data}); with {@code source.recovery=snapshot},
 *       {@code when_needed}, which re-reads the tables if the recorded position was purged;</li>
 *   <li>offsets present, history missing (first start after seeding, or history deleted):
 *       rebuild the schema and resume from the offsets ({@code recovery});</li>
 *   <li>nothing recorded and {@code source.start=snapshot}: read existing rows first ({@code initial});</li>
 *   <li>nothing recorded and {@code source.start=binlog-end}: the caller seeds the current binlog
 *       position first, then this becomes the {@code recovery} case.</li>
 * </ul>
 */
public record StartPlan(SnapshotMode mode, boolean seedCurrentPosition) {

    public static StartPlan decide(boolean hasOffsets, boolean hasSchemaHistory, boolean snapshotExistingRows,
                                   boolean snapshotWhenPositionLost) {
        if (hasOffsets) {
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
}
