package io.cdcrunner.mapping;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import io.cdcrunner.core.SourceItem;
import io.cdcrunner.debezium.InetColumnConverter;
import io.cdcrunner.debezium.UuidColumnConverter;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.Row;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.processor.SourcePosition;
import io.debezium.relational.TableId;

/**
 * Maps the change records of Debezium's MySQL and MariaDB connectors to {@link ChangeEvent}s, with column values
 * typed as documented in {@link Row}.
 *
 * <p>The record's Connect structs are read directly, with the per-column conversion chosen once per schema
 * instance (Debezium reuses them), so mapping costs little more than building the rows. The connector must run
 * with {@link #connectorProperties()}; without them some values cannot be told apart or are not exact.
 *
 * <p>Thread-safe: one instance may serve several threads.
 */
public final class RecordMapper {

    private final SchemaCache<EnvelopeLayout> envelopes = new SchemaCache<>(EnvelopeLayout::of);
    private final SchemaCache<RowConverter> rows = new SchemaCache<>(RowConverter::new);
    private final SchemaCache<List<String>> keyColumns =
            new SchemaCache<>(schema -> schema.fields().stream().map(Field::name).toList());

    /**
     * The Debezium connector settings the mapping relies on. They take precedence over the user's: merge them
     * into the engine configuration last.
     */
    public static Map<String, String> connectorProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        // DECIMAL as BigDecimal with its exact digits and scale (the default "precise" too, but stated on purpose).
        properties.put("decimal.handling.mode", "precise");
        // BIGINT UNSIGNED as a Decimal, so 18446744073709551615 survives; mapped to BigInteger.
        properties.put("bigint.unsigned.handling.mode", "precise");
        // TIME(6), DATETIME(6) to the microsecond; TIME also beyond 24 h and negative. "connect" keeps milliseconds only.
        properties.put("time.precision.mode", "adaptive_time_microseconds");
        properties.put("binary.handling.mode", "bytes");
        // The server expands two-digit years before they reach the binlog; Debezium's adjuster would turn the
        // real DATE '0050-03-04' into 2050-03-04.
        properties.put("enable.time.adjuster", "false");
        // Adds the source column type to each field schema: the only way to tell BIGINT UNSIGNED from DECIMAL(20,0)
        // and FLOAT(M,D) from DOUBLE.
        properties.put("column.propagate.source.type", ".*");
        // MariaDB UUID columns: the engine's converter misreads binlog values that end in zero bytes.
        properties.put("converters", "cdcrunner_uuid,cdcrunner_inet");
        properties.put("cdcrunner_uuid.type", UuidColumnConverter.class.getName());
        // MariaDB INET4/INET6 columns (which debezium.MariaDbDdlParser reads as binary) as the address text.
        properties.put("cdcrunner_inet.type", InetColumnConverter.class.getName());
        // A value Debezium cannot convert must stop the pipeline, not turn into a silent NULL (the default "warn").
        properties.put("event.converting.failure.handling.mode", "fail");
        // A snapshot reads rows through the one connection that knows impossible dates (debezium.ImpossibleDatesPatch).
        properties.put("snapshot.max.threads", "1");
        return Collections.unmodifiableMap(properties);
    }

    /**
     * The change event for a record, or {@code null} when the record is not a row change.
     *
     * <p>A row change is a record whose value is a Debezium envelope: a struct with {@code op}, {@code source},
     * {@code before} and {@code after} fields, {@code op} being {@code c} (insert), {@code r} (row read by a snapshot, mapped to
     * {@link Operation#INSERT}), {@code u} (update), {@code d} (delete) or {@code t} ({@link Operation#TRUNCATE}, a
     * table event with no rows). Everything else yields {@code null}: tombstones (null value), heartbeats,
     * schema-change records (see {@link #schemaChange}) and transaction-metadata records (no {@code op} field), and
     * logical messages ({@code m}).
     *
     * @throws IllegalArgumentException if a row change comes from a connector other than MySQL/MariaDB, or holds a
     *                                  column whose type has no Java mapping
     * @throws IllegalStateException    if the connector ran without {@link #connectorProperties()}
     */
    public ChangeEvent map(SourceRecord record) {
        return map(record, true);
    }

    /**
     * What can be told of a row change without converting its column values (operation, table, position, commit
     * time, key; the values of a keyless snapshot row, which identify it), for a record {@link #map} failed on; {@code null} when the record is not a row change or
     * has no readable envelope.
     */
    public ChangeEvent describeUnmapped(SourceRecord record) {
        try {
            return map(record, false);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * A record {@link #map} failed on with {@code error}, as the pipeline handles it: what is known of it without its
     * values, where it was read, and its Connect JSON form ({@link SourceRecordJson}), which {@code dlq replay} maps
     * again.
     */
    public SourceItem.Unmappable unmappable(SourceRecord record, RuntimeException error) {
        return new SourceItem.Unmappable(error, describeUnmapped(record), String.valueOf(record.sourceOffset()),
                () -> SourceRecordJson.write(record));
    }

    private ChangeEvent map(SourceRecord record, boolean withRows) {
        if (!(record.value() instanceof Struct envelope)) {
            return null;
        }
        EnvelopeLayout layout = envelopes.get(envelope.schema());
        if (layout == EnvelopeLayout.NOT_A_ROW_CHANGE) {
            return null;
        }
        Operation operation = operation(envelope.get(layout.op()));
        if (operation == null) {
            return null;
        }
        Struct source = (Struct) envelope.get(layout.source());
        EnvelopeLayout.SourceLayout src = layout.sourceLayout();
        String gtid = (String) source.get(src.gtid());
        SourcePosition position = position(source, src, record.sourceOffset(), operation.isRowChange());
        Object commitMillis = source.get(src.tsMs());
        Row before = withRows ? row(envelope.get(layout.before())) : Row.empty();
        Row after = withRows ? row(envelope.get(layout.after())) : Row.empty();
        Row key = withRows ? key(record.key(), before, after) : described(record.key());
        if (!withRows && key.isEmpty() && position.snapshot()) {
            // A snapshot row of a keyless table is identified by its values: without them, every unmapped row of
            // the table would have one event id (and one dead letter).
            after = described(envelope.get(layout.after()));
        }
        return new ChangeEvent(
                operation,
                (String) source.get(src.db()),
                (String) source.get(src.table()),
                key,
                before,
                after,
                position,
                commitMillis == null ? null : Instant.ofEpochMilli((Long) commitMillis),
                transactionId(envelope, layout, gtid));
    }

    /**
     * The key columns' values, taken from the row image: the engine builds the key's schema without the source
     * column types, so a BIGINT UNSIGNED (or SERIAL) key could not be told from a DECIMAL(20,0) there.
     */
    private Row key(Object keyStruct, Row before, Row after) {
        if (!(keyStruct instanceof Struct key)) {
            return Row.empty();
        }
        Row image = after.isEmpty() ? before : after;
        List<String> columns = keyColumns.get(key.schema());
        LinkedHashMap<String, Object> values = new LinkedHashMap<>(columns.size() * 2);
        Map<String, Object> imageValues = image.asMap();
        for (String column : columns) {
            if (!imageValues.containsKey(column)) {
                return row(key);
            }
            // Shared with the image, as its values are with the record: a binary key is held once.
            values.put(column, imageValues.get(column));
        }
        return Row.adopt(values);
    }

    /**
     * A row of a record that could not be mapped, for its description: mapped where it can be (a key usually is),
     * else each value's text, so the dead letter still says which row it was and its event id stays its own.
     */
    private Row described(Object struct) {
        try {
            return row(struct);
        } catch (RuntimeException e) {
            Struct row = (Struct) struct;
            Map<String, Object> values = new LinkedHashMap<>();
            for (Field field : row.schema().fields()) {
                Object raw = row.get(field);
                values.put(field.name(), raw instanceof byte[] bytes ? java.util.HexFormat.of().formatHex(bytes)
                        : raw instanceof java.nio.ByteBuffer buffer ? java.util.HexFormat.of().formatHex(bytesOf(buffer))
                        : raw == null ? null : raw.toString());
            }
            return Row.of(values);
        }
    }

    private static byte[] bytesOf(java.nio.ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private Row row(Object struct) {
        if (!(struct instanceof Struct row)) {
            return Row.empty();
        }
        return rows.get(row.schema()).convert(row);
    }

    private static SourcePosition position(Struct source, EnvelopeLayout.SourceLayout src, Map<String, ?> offset,
                                           boolean rowChange) {
        Object marker = src.snapshot() == null ? null : source.get(src.snapshot());
        boolean snapshot = isSnapshot(marker);
        return new SourcePosition(
                flavor(source.get(src.connector())),
                longOrZero(source.get(src.serverId())),
                (String) source.get(src.file()),
                longOrZero(source.get(src.pos())),
                (int) longOrZero(source.get(src.row())),
                (String) source.get(src.gtid()),
                snapshot,
                snapshot ? -1 : transactionEvent(offset, rowChange),
                "incremental".equals(marker) ? backfillRun(offset, (String) source.get(src.file()),
                        longOrZero(source.get(src.pos())), longOrZero(source.get(src.tsMs()))) : null);
    }

    /**
     * The backfill run of a row an incremental snapshot read: the snapshot's correlation id, which the daemon sets to
     * the run's id when it asks for the snapshot and the engine keeps in its offset while the snapshot runs
     * ({@code incremental_snapshot_correlation_id}). A record without it (read from Kafka, whose records carry no
     * engine offset, from a snapshot Kafka Connect's signal channel started) is named by where its chunk was
     * delivered and when the engine read it, {@code binlog:file:position:readAtMillis}: the same for the record read
     * again from its topic, another for another run (even one delivered at the same position of an idle source).
     */
    static String backfillRun(Map<String, ?> offset, String file, long position, long readAtMillis) {
        Object id = offset == null ? null : offset.get(BACKFILL_RUN_OFFSET_KEY);
        return id == null || id.toString().isBlank() ? "binlog:" + file + ':' + position + ':' + readAtMillis
                : id.toString();
    }

    /** The engine's offset key naming the running incremental snapshot's correlation id. */
    public static final String BACKFILL_RUN_OFFSET_KEY = "incremental_snapshot_correlation_id";

    /**
     * The index of the record's binlog event inside its transaction, from the engine's offset as it was when the
     * engine emitted the record: {@code event} counts the events handled since the transaction began (its BEGIN, or
     * MariaDB's GTID event, counts as the first, so a rows event inside a transaction is at least 2; the engine
     * counts on while it skips the events a restart inside a transaction has processed, so a redelivered row gets the
     * same index). The engine leaves {@code event} out when it is 0: outside a transaction, where it restarts the
     * count at every event. For a table event that is a MySQL DDL statement, alone under its GTID: index 0. For a row
     * change it is MySQL's XA transaction, whose {@code XA START} the engine does not take for a transaction start:
     * every rows event of it would be at 0, so the index is unknown (-1). -1 too without a GTID set in the offset:
     * without GTIDs the engine resumes by binlog position, and a record read from Kafka has no engine offset at all.
     */
    static int transactionEvent(Map<String, ?> offset, boolean rowChange) {
        if (offset == null || !(offset.containsKey(GTIDS_OFFSET_KEY) || offset.containsKey(GTID_OFFSET_KEY))) {
            return -1;
        }
        Object event = offset.get(EVENT_OFFSET_KEY);
        if (event == null) {
            return rowChange ? -1 : 0;
        }
        long index = event instanceof Number number ? number.longValue() : Long.parseLong(event.toString());
        return index < 0 || index > Integer.MAX_VALUE ? -1 : (int) index;
    }

    /** The engine's offset keys ({@code io.debezium.connector.binlog.BinlogOffsetContext}). */
    private static final String EVENT_OFFSET_KEY = "event";
    private static final String GTIDS_OFFSET_KEY = "gtids";
    private static final String GTID_OFFSET_KEY = "gtid";

    /**
     * The schema change a record of the engine's schema-change topic describes ({@code include.schema.changes}), or
     * {@code null} for every other record.
     */
    public SchemaChange schemaChange(SourceRecord record) {
        if (!(record.value() instanceof Struct value)) {
            return null;
        }
        Schema schema = value.schema();
        Field ddl = schema.field("ddl");
        Field changes = schema.field("tableChanges");
        Field source = schema.field("source");
        if (ddl == null || changes == null || source == null || !(value.get(source) instanceof Struct info)) {
            return null;
        }
        List<SchemaChange.TableChange> tables = new ArrayList<>();
        if (value.get(changes) instanceof List<?> list) {
            for (Object change : list) {
                if (change instanceof Struct table && table.get("id") instanceof String id) {
                    TableId tableId = TableId.parse(id);
                    String database = tableId.catalog() != null ? tableId.catalog() : tableId.schema();
                    tables.add(new SchemaChange.TableChange(String.valueOf(table.get("type")), database, tableId.table()));
                }
            }
        }
        Object database = schema.field("databaseName") == null ? null : value.get("databaseName");
        Object commitMillis = info.get("ts_ms");
        return new SchemaChange((String) value.get(ddl), database == null ? "" : database.toString(), tables,
                position(info, EnvelopeLayout.SourceLayout.of(info.schema()), record.sourceOffset(), false),
                commitMillis instanceof Long millis ? Instant.ofEpochMilli(millis) : null);
    }

    private static Operation operation(Object op) {
        if (!(op instanceof String code) || code.length() != 1) {
            return null;
        }
        return switch (code.charAt(0)) {
            case 'c', 'r' -> Operation.INSERT;
            case 'u' -> Operation.UPDATE;
            case 'd' -> Operation.DELETE;
            case 't' -> Operation.TRUNCATE;
            default -> null;
        };
    }

    private static ServerFlavor flavor(Object connector) {
        if ("mariadb".equals(connector)) {
            return ServerFlavor.MARIADB;
        }
        if ("mysql".equals(connector)) {
            return ServerFlavor.MYSQL;
        }
        throw new IllegalArgumentException("change record from Debezium connector '" + connector
                + "': cdc-runner reads only the mysql and mariadb connectors");
    }

    private static String transactionId(Struct envelope, EnvelopeLayout layout, String gtid) {
        if (layout.transaction() != null && envelope.get(layout.transaction()) instanceof Struct transaction) {
            Object id = transaction.get("id");
            if (id != null) {
                return id.toString();
            }
        }
        return gtid;
    }

    /**
     * Where the engine was when it emitted {@code record}, from the record's own {@code source.snapshot}, the marker
     * its event's {@link SourcePosition#snapshot()} comes from: {@link SourceItem.Phase#SNAPSHOT} while an initial
     * snapshot has rows to follow; {@link SourceItem.Phase#STREAM} for changes, for the snapshot's {@code last} row
     * (the engine streams from there) and for records without a source block (heartbeats).
     */
    public SourceItem.Phase phase(SourceRecord record) {
        Object marker = snapshotMarker(record);
        return isSnapshot(marker) && !"last".equals(marker) && !"incremental".equals(marker)
                ? SourceItem.Phase.SNAPSHOT : SourceItem.Phase.STREAM;
    }

    /**
     * Whether {@code record} is the last row of an initial snapshot (its {@code source.snapshot} is {@code last}):
     * once it is processed, every row of the snapshot is, though its offset still says a snapshot is running.
     */
    public boolean endsSnapshot(SourceRecord record) {
        return "last".equals(snapshotMarker(record));
    }

    /**
     * Whether {@code record} is a row an incremental snapshot (a backfill) read from its table: its {@code source.snapshot}
     * is {@code incremental}.
     */
    public boolean readByBackfill(SourceRecord record) {
        return "incremental".equals(snapshotMarker(record));
    }

    /** The record's {@code source.snapshot}, or null when it has none (a heartbeat, a record without a source). */
    private static Object snapshotMarker(SourceRecord record) {
        if (record.value() instanceof Struct value && value.schema().field("source") != null
                && value.get("source") instanceof Struct source && source.schema().field("snapshot") != null) {
            return source.get("snapshot");
        }
        return null;
    }

    /**
     * Debezium's source.snapshot: "true", "first", "last", "incremental"... for a row the engine read from the table,
     * "false" or absent for a change it read from the binlog.
     */
    private static boolean isSnapshot(Object snapshot) {
        return snapshot != null && !"false".equals(snapshot.toString());
    }

    private static long longOrZero(Object value) {
        return value == null ? 0L : ((Number) value).longValue();
    }
}
