package io.cdcrunner.processor;

import java.time.Instant;
import java.util.Objects;

/**
 * One committed row change, as read from the source's binary log. Immutable.
 *
 * @param operation     insert, update or delete
 * @param database      schema (database) name
 * @param table         table name
 * @param key           primary-key columns of the row and their values
 * @param before        the row before the change: empty for inserts
 * @param after         the row after the change: empty for deletes
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

    /** The row as it is now: {@link #after()} for inserts and updates, {@link #before()} for deletes. */
    public Row row() {
        return operation == Operation.DELETE ? before : after;
    }

    /** {@code database.table}. */
    public String qualifiedTable() {
        return database + '.' + table;
    }

    /** A unique, stable id of this row change; see {@link SourcePosition#eventId()}. */
    public String eventId() {
        return position.eventId();
    }

    @Override
    public String toString() {
        return operation + " " + qualifiedTable() + " key " + key + " at " + position;
    }
}
