package io.cdcrunner.processor;

import java.util.Objects;
import java.util.Optional;

/**
 * Where in the source's binary log an event was read.
 *
 * @param flavor         server family
 * @param serverId       {@code server_id} of the server that originally wrote the event
 * @param binlogFile     binlog file name, e.g. {@code binlog.000003}
 * @param binlogPosition position of the rows event inside {@code binlogFile}
 * @param row            index of this row within the rows event (a multi-row insert yields several)
 * @param gtid           GTID of the event's transaction, or {@code null} when the server does not use GTIDs
 */
public record SourcePosition(
        ServerFlavor flavor, long serverId, String binlogFile, long binlogPosition, int row, String gtid) {

    public SourcePosition {
        Objects.requireNonNull(flavor, "flavor");
        Objects.requireNonNull(binlogFile, "binlogFile");
    }

    /** The GTID of the event's transaction, when the server assigns them. */
    public Optional<String> gtidIfPresent() {
        return Optional.ofNullable(gtid);
    }

    /**
     * An identifier unique to this row change on this server's binlog, stable across redeliveries:
     * {@code binlogFile:binlogPosition:row}. Suitable as a deduplication key.
     */
    public String eventId() {
        return binlogFile + ':' + binlogPosition + ':' + row;
    }

    @Override
    public String toString() {
        return eventId() + (gtid == null ? "" : " gtid " + gtid);
    }
}
