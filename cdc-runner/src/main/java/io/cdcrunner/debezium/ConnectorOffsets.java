package io.cdcrunner.debezium;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The MySQL/MariaDB connectors' offsets as Debezium lays them out, read and written the same way by the embedded
 * engine's source and the Kafka Connect deployment: the source partition, the offset of a start at a position, and
 * Debezium's marker of a running initial snapshot.
 */
public final class ConnectorOffsets {

    /** Debezium's offset keys of a running snapshot ({@code AbstractSourceInfo}, {@code CommonOffsetContext}). */
    public static final String SNAPSHOT = io.debezium.connector.AbstractSourceInfo.SNAPSHOT_KEY;
    public static final String SNAPSHOT_COMPLETED = io.debezium.pipeline.CommonOffsetContext.SNAPSHOT_COMPLETED_KEY;
    /**
     * Debezium's offset key of the rows of the binlog event in progress already handled ({@code BinlogOffsetContext}):
     * a restart skips that many rows of it. Absent when none are.
     */
    public static final String ROW = io.debezium.connector.binlog.BinlogSourceInfo.BINLOG_ROW_IN_EVENT_OFFSET_KEY;

    private ConnectorOffsets() {
    }

    /** The connector's source partition: its logical server name, {@code {"server": topicPrefix}}. */
    public static Map<String, Object> partition(String topicPrefix) {
        return Map.of("server", topicPrefix);
    }

    /**
     * The connector's offset of a start at this position: what it records after the last event before it, so it
     * streams from there. The Kafka path seeds it, marked, through Connect's REST API ({@link SeededStartSnapshotter}).
     *
     * @param gtidSet the server's executed GTID set, or null when GTIDs are not used
     */
    public static Map<String, Object> startOffset(String binlogFile, long position, String gtidSet) {
        Map<String, Object> offset = new LinkedHashMap<>();
        offset.put("file", binlogFile);
        offset.put("pos", position);
        if (gtidSet != null && !gtidSet.isBlank()) {
            offset.put("gtids", gtidSet);
        }
        return offset;
    }

    /** Whether an offset, as a map, was recorded in the middle of an initial snapshot (Debezium's own rule). */
    public static boolean snapshotUnfinished(Map<?, ?> offset) {
        Object snapshot = offset.get(SNAPSHOT);
        boolean initial = Boolean.TRUE.equals(snapshot) || "true".equals(snapshot) || "INITIAL".equals(snapshot);
        Object completed = offset.get(SNAPSHOT_COMPLETED);
        return initial && !(Boolean.TRUE.equals(completed) || "true".equals(completed));
    }
}
