package io.cdcrunner.processor;

import java.util.Objects;

/**
 * Where in the source's binary log an event was read.
 *
 * @param flavor           server family
 * @param serverId         {@code server_id} of the server that originally wrote the event
 * @param binlogFile       binlog file name, e.g. {@code binlog.000003}
 * @param binlogPosition   position of the rows event inside {@code binlogFile}
 * @param row              index of this row within the rows event (a multi-row insert yields several)
 * @param gtid             GTID of the event's transaction, or {@code null} when the server does not use GTIDs
 * @param snapshot         true for a row read by an initial snapshot ({@code source.start=snapshot}) rather than
 *                         from the binlog; such rows all carry the binlog position the snapshot started at
 * @param transactionEvent index of the binlog event (the rows event, or a TRUNCATE's statement) inside its
 *                         transaction, counted by the engine from the transaction's start; {@code -1} when unknown
 *                         (no GTID, a snapshot row, or a record that carries no engine offset)
 * @param backfill         for a row read by a backfill ({@code cdc-runner snapshot}, or a table newly added to
 *                         {@code source.tables} with {@code source.new.tables=backfill}): the id of the backfill run
 *                         that read it, e.g. {@code b20261208-021530-7f3a}; {@code null} for every other event. Such a
 *                         row is also {@link #snapshot()}, and its binlog position is where the stream was when the
 *                         row's chunk was delivered
 */
public record SourcePosition(
        ServerFlavor flavor, long serverId, String binlogFile, long binlogPosition, int row, String gtid,
        boolean snapshot, int transactionEvent, String backfill) {

    /** A position not read by a backfill. */
    public SourcePosition(ServerFlavor flavor, long serverId, String binlogFile, long binlogPosition, int row,
                          String gtid, boolean snapshot, int transactionEvent) {
        this(flavor, serverId, binlogFile, binlogPosition, row, gtid, snapshot, transactionEvent, null);
    }

    /** A position of a change read from the binlog, its index inside the transaction unknown. */
    public SourcePosition(ServerFlavor flavor, long serverId, String binlogFile, long binlogPosition, int row,
                          String gtid) {
        this(flavor, serverId, binlogFile, binlogPosition, row, gtid, false, -1);
    }

    /** A position whose index inside the transaction is unknown. */
    public SourcePosition(ServerFlavor flavor, long serverId, String binlogFile, long binlogPosition, int row,
                          String gtid, boolean snapshot) {
        this(flavor, serverId, binlogFile, binlogPosition, row, gtid, snapshot, -1);
    }

    public SourcePosition {
        Objects.requireNonNull(flavor, "flavor");
        Objects.requireNonNull(binlogFile, "binlogFile");
        if (transactionEvent < -1) {
            throw new IllegalArgumentException("transactionEvent " + transactionEvent + " is neither an index nor -1");
        }
        if (backfill != null && (backfill.isEmpty() || !snapshot)) {
            throw new IllegalArgumentException("a backfilled row is a snapshot row with a run id, not '" + backfill
                    + "' with snapshot " + snapshot);
        }
    }

    /** Whether the row was read by a backfill run ({@link #backfill()} names it). */
    public boolean isBackfill() {
        return backfill != null;
    }

    /**
     * A unique id of the change read here, stable across redeliveries. {@code gtid:<gtid>:<transactionEvent>:<row>}
     * (e.g. {@code gtid:0-1-20155:3:0}) when the transaction has a GTID and the event's index inside it is known:
     * the same on every server that replicated the transaction with the same binlog settings, so it survives a
     * failover. Otherwise, and for snapshot rows, {@link #binlogEventId()}, which only this server's binlog knows.
     * Snapshot rows share their position; {@link ChangeEvent#eventId()} tells them apart.
     */
    public String eventId() {
        if (!snapshot && gtid != null && transactionEvent >= 0) {
            return "gtid:" + gtid + ':' + transactionEvent + ':' + row;
        }
        return binlogEventId();
    }

    /** {@code binlogFile:binlogPosition:row}: the id of earlier versions, unique only within this server's binlog. */
    public String binlogEventId() {
        return binlogFile + ':' + binlogPosition + ':' + row;
    }

    @Override
    public String toString() {
        return (backfill != null ? "backfill " + backfill + " at " : snapshot ? "snapshot at " : "") + binlogEventId() + (gtid == null ? "" : " gtid " + gtid)
                + (transactionEvent < 0 || snapshot ? "" : " event " + transactionEvent);
    }
}
