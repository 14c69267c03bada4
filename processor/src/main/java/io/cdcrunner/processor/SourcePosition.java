package io.cdcrunner.processor;

import java.util.Objects;

/**
 * Where in the source's binary log an event was read.
 *
 * @param flavor         server family
 * @param serverId       {@code server_id} of the server that originally wrote the event
 * @param binlogFile     binlog file name, e.g. {@code binlog.000003}
 * @param binlogPosition position of the rows event inside {@code binlogFile}
 * @param row            index of this row within the rows event (a multi-row insert yields several)
 * @param gtid           GTID of the event's transaction, or {@code null} when the server does not use GTIDs
 * @param snapshot       true for a row read by an initial snapshot ({@code source.start=snapshot}) rather than
 *                       from the binlog; such rows all carry the binlog position the snapshot started at
 */
public record SourcePosition(
        ServerFlavor flavor, long serverId, String binlogFile, long binlogPosition, int row, String gtid,
        boolean snapshot) {

    /** A position of a change read from the binlog. */
    public SourcePosition(ServerFlavor flavor, long serverId, String binlogFile, long binlogPosition, int row,
                          String gtid) {
        this(flavor, serverId, binlogFile, binlogPosition, row, gtid, false);
    }

    public SourcePosition {
        Objects.requireNonNull(flavor, "flavor");
        Objects.requireNonNull(binlogFile, "binlogFile");
    }

    /**
     * {@code binlogFile:binlogPosition:row}: unique to a change read from this server's binlog and stable
     * across redeliveries. Snapshot rows share their position; {@link ChangeEvent#eventId()} tells them apart.
     */
    public String eventId() {
        return binlogFile + ':' + binlogPosition + ':' + row;
    }

    @Override
    public String toString() {
        return (snapshot ? "snapshot at " : "") + eventId() + (gtid == null ? "" : " gtid " + gtid);
    }
}
