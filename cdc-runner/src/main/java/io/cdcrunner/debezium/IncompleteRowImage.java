package io.cdcrunner.debezium;

import java.io.IOException;
import java.util.BitSet;
import java.util.Map;

import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;

import io.debezium.data.Envelope;

/**
 * A row change on a captured table whose binlog images leave columns out: its session wrote the binlog with
 * {@code binlog_row_image=MINIMAL} or {@code NOBLOB}, or with {@code binlog_row_value_options=PARTIAL_JSON} (a JSON
 * column's change as a diff). The engine would fail on the first with a hint at schema recovery that does not help,
 * and skips the second without a word; the binlog reader throws this instead, before the engine sees the event, so
 * the pipeline stops at it naming the setting. Changes outside the capture, and changes of an operation the pipeline
 * does not deliver ({@code source.operations}), pass as before (the latter without their rows, which nothing reads).
 */
public final class IncompleteRowImage extends RuntimeException {

    private IncompleteRowImage(String message) {
        super(message);
    }

    /** {@code data} unchanged, or this exception when it is a captured table's row change missing columns. */
    static EventData requireFull(EventData data, Map<Long, TableMapEventData> tables, Capture captured) {
        long tableId;
        BitSet before = null;
        BitSet after = null;
        if (data instanceof WriteRowsEventData write) {
            tableId = write.getTableId();
            after = write.getIncludedColumns();
        } else if (data instanceof UpdateRowsEventData update) {
            tableId = update.getTableId();
            before = update.getIncludedColumnsBeforeUpdate();
            after = update.getIncludedColumns();
        } else if (data instanceof DeleteRowsEventData delete) {
            tableId = delete.getTableId();
            before = delete.getIncludedColumns();
        } else {
            return data;
        }
        TableMapEventData table = tables.get(tableId);
        if (table == null || !captured.captures(table)) {
            return data;
        }
        int columns = table.getColumnTypes().length;
        if ((before != null && before.cardinality() < columns) || (after != null && after.cardinality() < columns)) {
            if (!captured.delivers(operation(data))) {
                // Not delivered (source.operations): nothing is lost. This decoder runs before the engine looks at
                // the operation (a skipped one has no handler), so it must not stop the pipeline for it.
                return withoutRows(data);
            }
            throw new IncompleteRowImage("the binlog holds a row change of captured table " + name(table)
                    + " without all of its columns: the session that wrote it ran with binlog_row_image=MINIMAL or"
                    + " NOBLOB, so the rows delivered to the processor would be incomplete. Make every writer log"
                    + " full rows: binlog_row_image=FULL in the server's configuration, and no account allowed to"
                    + " change it for its session (cdc-runner check lists them)");
        }
        return data;
    }

    /**
     * The decoder of MySQL's {@code PARTIAL_UPDATE_ROWS_EVENT}, which the engine has none of (it passes such events
     * over): a captured table's throws, another's (or one whose updates the pipeline does not deliver) decodes to nothing, as before.
     */
    static EventDataDeserializer<EventData> partialUpdates(Map<Long, TableMapEventData> tables,
                                                          Capture captured) {
        return (ByteArrayInputStream in) -> {
            TableMapEventData table = tables.get(readTableId(in));
            if (table != null && captured.captures(table) && captured.delivers(Envelope.Operation.UPDATE)) {
                throw new IncompleteRowImage("the binlog holds an update of captured table " + name(table)
                        + " whose JSON values are logged as partial updates: the session that wrote it ran with"
                        + " binlog_row_value_options=PARTIAL_JSON, which the engine cannot read (read past it, the"
                        + " update would be lost). Make every writer log full JSON values: binlog_row_value_options=''"
                        + " in the server's configuration, and no account allowed to change it for its session"
                        + " (cdc-runner check lists them)");
            }
            return null;
        };
    }

    private static long readTableId(ByteArrayInputStream in) throws IOException {
        return in.readLong(6);
    }

    private static Envelope.Operation operation(EventData data) {
        return data instanceof WriteRowsEventData ? Envelope.Operation.CREATE
                : data instanceof UpdateRowsEventData ? Envelope.Operation.UPDATE : Envelope.Operation.DELETE;
    }

    private static EventData withoutRows(EventData data) {
        if (data instanceof WriteRowsEventData write) {
            write.setRows(new java.util.ArrayList<>());
        } else if (data instanceof UpdateRowsEventData update) {
            update.setRows(new java.util.ArrayList<>());
        } else if (data instanceof DeleteRowsEventData delete) {
            delete.setRows(new java.util.ArrayList<>());
        }
        return data;
    }

    private static String name(TableMapEventData table) {
        return table.getDatabase() + "." + table.getTable();
    }
}
