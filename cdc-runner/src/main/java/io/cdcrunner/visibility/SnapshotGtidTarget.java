package io.cdcrunner.visibility;

import java.sql.SQLException;
import java.util.concurrent.Callable;

import io.cdcrunner.processor.ChangeEvent;

/**
 * What rows of an initial snapshot, which carry no GTID, wait for: once, the GTID position the source had reached when
 * the first row of the snapshot was processed, which is past the snapshot's consistent point. A snapshot redone at
 * another consistent point (after a restart of the engine) reads the position again.
 */
final class SnapshotGtidTarget {

    private final Callable<String> sourceGtidPosition;
    /** The snapshot (its consistent point, file:pos) whose target below was read. */
    private String snapshotKey;
    private String target;
    /** The snapshot whose target the read server has reached, or null. */
    private volatile String reached;

    /**
     * @param sourceGtidPosition reads the source's current GTID position ({@code @@gtid_binlog_pos} on MariaDB,
     *                           {@code @@gtid_executed} on MySQL)
     */
    SnapshotGtidTarget(Callable<String> sourceGtidPosition) {
        this.sourceGtidPosition = sourceGtidPosition;
    }

    /** The position a row of this snapshot waits for ({@code ""} when the source has no GTIDs yet). */
    String of(ChangeEvent row) throws SQLException {
        String key = key(row);
        if (!key.equals(snapshotKey)) {
            snapshotKey = key;
            target = null;
        }
        if (target == null) {
            try {
                String position = sourceGtidPosition.call();
                target = position == null ? "" : position;
            } catch (SQLException e) {
                throw e;
            } catch (Exception e) {
                throw new SQLException("cannot read the source's GTID position: " + e.getMessage(), e);
            }
        }
        return target;
    }

    /** The read server reached the target of {@code row}'s snapshot. */
    void reachedBy(ChangeEvent row) {
        reached = key(row);
    }

    /** Whether the read server reached the target of {@code row}'s snapshot. */
    boolean isReached(ChangeEvent row) {
        return key(row).equals(reached);
    }

    private static String key(ChangeEvent row) {
        return row.position().binlogFile() + ":" + row.position().binlogPosition();
    }
}
