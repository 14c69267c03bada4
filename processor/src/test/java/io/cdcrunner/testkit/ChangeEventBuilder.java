package io.cdcrunner.testkit;

import java.time.Instant;
import java.util.Map;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.Row;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.processor.SourcePosition;

/**
 * A {@link ChangeEvent} for a test, naming only what the test is about: an insert into {@code shop.orders} read at
 * {@code binlog.000001:4:0} of MariaDB server 1 unless told otherwise; no commit time and no transaction id.
 * <pre>{@code
 * ChangeEvent e = ChangeEventBuilder.insert().key("id", 7).after(Map.of("id", 7, "family", 1)).at(700).build();
 * }</pre>
 */
public final class ChangeEventBuilder {

    private Operation operation = Operation.INSERT;
    private String database = "shop";
    private String table = "orders";
    private Row key;
    private Row before;
    private Row after;
    private ServerFlavor flavor = ServerFlavor.MARIADB;
    private long serverId = 1;
    private String binlogFile = "binlog.000001";
    private long binlogPosition = 4;
    private int row;
    private String gtid;
    private boolean snapshot;
    private int transactionEvent = -1;
    private SourcePosition position;
    private Instant commitTime;
    private String transactionId;

    private ChangeEventBuilder() {
    }

    public static ChangeEventBuilder insert() {
        return of(Operation.INSERT);
    }

    public static ChangeEventBuilder of(Operation operation) {
        return new ChangeEventBuilder().operation(operation);
    }

    public ChangeEventBuilder operation(Operation operation) {
        this.operation = operation;
        return this;
    }

    public ChangeEventBuilder table(String database, String table) {
        this.database = database;
        this.table = table;
        return this;
    }

    public ChangeEventBuilder key(Row key) {
        this.key = key;
        return this;
    }

    /** A one-column key. */
    public ChangeEventBuilder key(String column, Object value) {
        return key(Row.of(Map.of(column, value)));
    }

    public ChangeEventBuilder before(Row before) {
        this.before = before;
        return this;
    }

    public ChangeEventBuilder before(Map<String, ?> before) {
        return before(Row.of(before));
    }

    public ChangeEventBuilder after(Row after) {
        this.after = after;
        return this;
    }

    public ChangeEventBuilder after(Map<String, ?> after) {
        return after(Row.of(after));
    }

    public ChangeEventBuilder flavor(ServerFlavor flavor) {
        this.flavor = flavor;
        return this;
    }

    public ChangeEventBuilder serverId(long serverId) {
        this.serverId = serverId;
        return this;
    }

    /** Read at {@code binlogPosition} of the current binlog file. */
    public ChangeEventBuilder at(long binlogPosition) {
        this.binlogPosition = binlogPosition;
        return this;
    }

    public ChangeEventBuilder at(String binlogFile, long binlogPosition) {
        this.binlogFile = binlogFile;
        return at(binlogPosition);
    }

    /** The row's index within its binlog event. */
    public ChangeEventBuilder row(int row) {
        this.row = row;
        return this;
    }

    /** The GTID recorded in the position (not the transaction id; see {@link #transaction(String)}). */
    public ChangeEventBuilder gtid(String gtid) {
        this.gtid = gtid;
        return this;
    }

    /** Read by an initial snapshot rather than from the binlog. */
    /** The event's index inside its transaction, as the engine's offset gives it (unknown, -1, unless told). */
    public ChangeEventBuilder transactionEvent(int transactionEvent) {
        this.transactionEvent = transactionEvent;
        return this;
    }

    public ChangeEventBuilder snapshot() {
        this.snapshot = true;
        return this;
    }

    /** This exact position, instead of the parts above. */
    public ChangeEventBuilder position(SourcePosition position) {
        this.position = position;
        return this;
    }

    public ChangeEventBuilder committedAt(Instant commitTime) {
        this.commitTime = commitTime;
        return this;
    }

    public ChangeEventBuilder transaction(String transactionId) {
        this.transactionId = transactionId;
        return this;
    }

    /** The GTID as both the position's GTID and the transaction id, as a server with GTIDs reports them. */
    public ChangeEventBuilder gtidTransaction(String gtid) {
        return gtid(gtid).transaction(gtid);
    }

    public ChangeEvent build() {
        SourcePosition at = position != null ? position
                : new SourcePosition(flavor, serverId, binlogFile, binlogPosition, row, gtid, snapshot,
                        transactionEvent);
        return new ChangeEvent(operation, database, table, key, before, after, at, commitTime, transactionId);
    }
}
