package io.cdcrunner.processor;

import java.time.Instant;
import java.util.Objects;

/**
 * One committed change, as read from the source's binary log: a row change, or a table event (see
 * {@link Operation}). Immutable.
 *
 * @param operation     insert, update or delete of a row; truncate or drop of the table
 * @param database      schema (database) name
 * @param table         table name
 * @param key           primary-key columns of the row and their values: empty for table events
 * @param before        the row before the change: empty for inserts and table events
 * @param after         the row after the change: empty for deletes and table events
 * @param position      where the change was read in the binlog
 * @param commitTime    the transaction's commit time as recorded in the binlog (one-second resolution)
 * @param transactionId the source transaction's id (its GTID when the server has them), or {@code null}
 */
public record ChangeEvent(
        Operation operation,
        String database,
        String table,
        Row key,
        Row before,
        Row after,
        SourcePosition position,
        Instant commitTime,
        String transactionId) {

    public ChangeEvent {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(position, "position");
        key = key == null ? Row.empty() : key;
        before = before == null ? Row.empty() : before;
        after = after == null ? Row.empty() : after;
    }

    /**
     * The row as it is now: {@link #after()} for inserts and updates, {@link #before()} for deletes; empty for table
     * events.
     */
    public Row row() {
        return operation == Operation.DELETE ? before : after;
    }

    /** {@code database.table}. */
    public String qualifiedTable() {
        return database + '.' + table;
    }

    /** Longest {@link #eventId()}; a longer one is replaced by a digest (the ledger keeps ids in a VARCHAR(255)). */
    public static final int MAX_EVENT_ID_LENGTH = 255;

    /**
     * A unique id of this change, stable across redeliveries, usable as a deduplication key. Its form:
     * <ul>
     * <li>{@code gtid:<gtid>:<event>:<row>} for a row change read from the binlog of a transaction with a GTID, where
     * {@code event} is the index of the rows event inside the transaction as the engine counts it from the
     * transaction's start and {@code row} the row's index inside that event, e.g. {@code gtid:0-1-20155:3:0} or
     * {@code gtid:3e11fa47-71ca-11e1-9e33-c80aa9429562:23:3:0}. A GTID names the transaction on every server that
     * replicates it, so the id stays the same when the daemon resumes on a promoted replica after a failover: a
     * {@link TransactionalProcessor} skips a redelivered change there too. A processor gets this form on MariaDB
     * always and on MySQL with {@code gtid_mode=ON}, whenever the change comes straight from the engine. The index
     * counts the events of the transaction in the binlog being read, so a promoted replica gives the same ids when
     * its binlog holds the same events per transaction: keep the settings that add or split events the same on
     * servers that may take over (row annotations: {@code binlog_annotate_row_events} and
     * {@code replicate_annotate_row_events} on MariaDB, {@code binlog_rows_query_log_events} on MySQL;
     * {@code binlog_row_event_max_size}).</li>
     * <li>{@code binlogFile:position:row} (see {@link #positionEventId()}) for a row change without a GTID (MySQL with
     * {@code gtid_mode=OFF}); for a row change of a MySQL XA transaction (the engine does not count the events of
     * one, so their index is unknown); and for every change when the source is a Kafka topic
     * ({@code source.type=kafka}): records read from Kafka carry the connector's source block but not the engine's
     * offset, so the index inside the transaction is unknown. Unique only within one server's binlog.</li>
     * <li>either form followed by {@code :database.table} for a table event (TRUNCATE, DROP: one statement can drop
     * several tables), e.g. {@code gtid:0-1-20160:1:0:shop.orders} or {@code binlog.000003:4711:0:shop.orders}.</li>
     * <li>{@code snapshot:binlogFile:position:database.table:key values} for a row read by an initial snapshot, where
     * {@code binlogFile:position} is where that snapshot began. A snapshot that did not finish is read again from
     * the start at a later position, so its rows get new ids: a {@link TransactionalProcessor} applies them again,
     * with the values they have then, rather than skipping them as already applied. (Ledger entries of earlier
     * versions, {@code snapshot:database.table:key values} without the position, match no later event.) A
     * snapshot row of a table without a primary key has no identity but its values: its id is
     * {@code snapshot:binlogFile:position:database.table:row:values}, so two identical rows of such a table share an
     * id (a {@link TransactionalProcessor}'s ledger applies them once). An id longer than
     * {@value #MAX_EVENT_ID_LENGTH} characters (long key values, or long binlog, database and table names) is
     * {@code snapshot:sha256:} and the hex SHA-256 of the long form.</li>
     * <li>{@code backfill:<run>:database.table:key values} for a row read by a backfill run ({@code cdc-runner snapshot},
     * or {@code source.new.tables=backfill}), {@code run} being {@link SourcePosition#backfill()}, e.g.
     * {@code backfill:b20261208-021530-7f3a:shop.orders:42}. A row the same run delivers again (after a crash, the
     * chunk it was in is read again) keeps its id, so a {@link TransactionalProcessor} applies it once per run; a new
     * run (a re-processing request) gives it a new id, so the processor applies it again, as asked. A keyless table
     * cannot be backfilled. An id longer than {@value #MAX_EVENT_ID_LENGTH} characters is {@code backfill:sha256:} and
     * the hex SHA-256 of the long form.</li>
     * </ul>
     * Earlier versions gave binlog changes the binlog form only; the ledger of a {@link TransactionalProcessor}
     * still matches entries written in that form ({@link #positionEventId()}), so an upgrade applies nothing twice.
     */
    public String eventId() {
        if (!operation.isRowChange()) {
            return position.eventId() + ':' + qualifiedTable();
        }
        if (!position.snapshot()) {
            return position.eventId();
        }
        if (position.backfill() != null) {
            return keyedId("backfill:" + position.backfill() + ':' + qualifiedTable(), "backfill:sha256:");
        }
        return snapshotEventId();
    }

    /** Whether this row was read by a backfill run rather than from the binlog ({@link SourcePosition#backfill()}). */
    public boolean isBackfill() {
        return position.backfill() != null;
    }

    /**
     * The id earlier versions gave this change: {@link SourcePosition#binlogEventId() binlogFile:position:row} for a
     * row change read from the binlog, with {@code :database.table} for a table event; for a snapshot row the same as
     * {@link #eventId()}. Unique only within one server's binlog; a {@link TransactionalProcessor}'s ledger matches
     * it to find entries written before ids had a GTID form.
     */
    public String positionEventId() {
        if (!operation.isRowChange()) {
            return position.binlogEventId() + ':' + qualifiedTable();
        }
        if (position.backfill() != null) {
            return eventId();
        }
        if (!position.snapshot()) {
            return position.binlogEventId();
        }
        return snapshotEventId();
    }

    private String snapshotEventId() {
        return keyedId("snapshot:" + position.binlogFile() + ':' + position.binlogPosition() + ':' + qualifiedTable(),
                "snapshot:sha256:");
    }

    /** {@code prefix} and the key values (the row's values for a keyless table), or a digest of that when too long. */
    private String keyedId(String prefix, String digestPrefix) {
        StringBuilder id = new StringBuilder(prefix);
        Row identity = key.isEmpty() ? row() : key;
        if (key.isEmpty()) {
            id.append(":row");
        }
        for (String column : identity.columns()) {
            Object value = identity.get(column);
            id.append(':').append(value instanceof byte[] bytes ? java.util.HexFormat.of().formatHex(bytes) : value);
        }
        if (id.length() <= MAX_EVENT_ID_LENGTH) {
            return id.toString();
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(id.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return digestPrefix + java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return operation + " " + qualifiedTable() + " key " + key + " at " + position;
    }
}
