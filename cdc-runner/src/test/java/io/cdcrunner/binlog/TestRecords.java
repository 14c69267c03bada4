package io.cdcrunner.binlog;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import io.debezium.data.Envelope;

/** Change records shaped as Debezium's MariaDB connector writes them, for tests that need no engine. */
public final class TestRecords {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.mariadb.Source")
            .field("connector", Schema.STRING_SCHEMA).field("ts_ms", Schema.INT64_SCHEMA)
            .field("snapshot", SchemaBuilder.string().optional().defaultValue("false").build())
            .field("db", Schema.STRING_SCHEMA).field("table", Schema.OPTIONAL_STRING_SCHEMA)
            .field("server_id", Schema.INT64_SCHEMA).field("gtid", Schema.OPTIONAL_STRING_SCHEMA)
            .field("file", Schema.STRING_SCHEMA).field("pos", Schema.INT64_SCHEMA).field("row", Schema.INT32_SCHEMA)
            .build();

    private TestRecords() {
    }

    /**
     * An insert of {@code id} into {@code shop.orders} at {@code binlog.000003:4000+id}; with {@code withUnmappableColumn}
     * it also has a {@code tags} column of a Connect type no MySQL/MariaDB column maps to.
     */
    public static SourceRecord insert(int id, boolean withUnmappableColumn) {
        return row(id, withUnmappableColumn, "false", Map.of("file", "binlog.000003", "pos", 4000L + id));
    }

    /**
     * A row of {@code shop.orders} read by the initial snapshot, its {@code source.snapshot} being {@code marker}
     * ("first", "true", "last"), with the offset Debezium gives it: the snapshot in progress, or completed on the last.
     */
    public static SourceRecord snapshotRow(int id, String marker) {
        return row(id, false, marker, "last".equals(marker)
                ? Map.of("file", "binlog.000003", "pos", 4000L, "snapshot", "INITIAL", "snapshot_completed", true)
                : Map.of("file", "binlog.000003", "pos", 4000L, "snapshot", "INITIAL", "snapshot_completed", false));
    }

    /**
     * A row of {@code shop.orders} a backfill (incremental snapshot) read, released while the engine handled the binlog
     * row change whose offset is {@code offset} (the row's own offset, with the run's keys).
     */
    public static SourceRecord backfillRow(int id, Map<String, ?> offset) {
        return row(id, false, "incremental", offset);
    }

    private static SourceRecord row(int id, boolean withUnmappableColumn, String snapshotMarker, Map<String, ?> offset) {
        SchemaBuilder value = SchemaBuilder.struct().name("p.shop.orders.Value").optional().field("id", Schema.INT32_SCHEMA);
        if (withUnmappableColumn) {
            value.field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build());
        }
        Schema valueSchema = value.build();
        Envelope envelope = Envelope.defineSchema().withName("p.shop.orders.Envelope").withRecord(valueSchema)
                .withSource(SOURCE).build();
        Struct after = new Struct(valueSchema).put("id", id);
        if (withUnmappableColumn) {
            after.put("tags", List.of("a", "b"));
        }
        Struct source = new Struct(SOURCE).put("connector", "mariadb").put("ts_ms", 1_000L).put("db", "shop")
                .put("table", "orders").put("server_id", 1L).put("gtid", "0-1-" + id).put("file", "binlog.000003")
                .put("pos", 4000L + id).put("row", 0).put("snapshot", snapshotMarker);
        Schema keySchema = SchemaBuilder.struct().name("p.shop.orders.Key").field("id", Schema.INT32_SCHEMA).build();
        return new SourceRecord(Map.of("server", "p"), offset, "p.shop.orders",
                null, keySchema, new Struct(keySchema).put("id", id), envelope.schema(),
                envelope.create(after, source, NOW));
    }

    /**
     * An insert of {@code id} into {@code shop.documents} with a {@code payload} BLOB of {@code bytes} bytes (each
     * {@code id}), wrapped in a buffer as the engine hands BLOBs over, at {@code binlog.000003:4000+id}.
     */
    public static SourceRecord insertWithPayload(int id, int bytes) {
        Schema valueSchema = SchemaBuilder.struct().name("p.shop.documents.Value").optional()
                .field("id", Schema.INT32_SCHEMA).field("payload", Schema.BYTES_SCHEMA).build();
        Envelope envelope = Envelope.defineSchema().withName("p.shop.documents.Envelope").withRecord(valueSchema)
                .withSource(SOURCE).build();
        byte[] payload = new byte[bytes];
        java.util.Arrays.fill(payload, (byte) id);
        Struct after = new Struct(valueSchema).put("id", id).put("payload", java.nio.ByteBuffer.wrap(payload));
        Struct source = new Struct(SOURCE).put("connector", "mariadb").put("ts_ms", 1_000L).put("db", "shop")
                .put("table", "documents").put("server_id", 1L).put("file", "binlog.000003").put("pos", 4000L + id)
                .put("row", 0);
        Schema keySchema = SchemaBuilder.struct().name("p.shop.documents.Key").field("id", Schema.INT32_SCHEMA).build();
        return new SourceRecord(Map.of("server", "p"), Map.of("file", "binlog.000003", "pos", 4000L + id),
                "p.shop.documents", null, keySchema, new Struct(keySchema).put("id", id), envelope.schema(),
                envelope.create(after, source, NOW));
    }

    /** A record that is no row change (as a heartbeat is), at {@code binlog.000003:pos}. */
    public static SourceRecord heartbeat(long pos) {
        return new SourceRecord(Map.of("server", "p"), Map.of("file", "binlog.000003", "pos", pos), "__debezium-heartbeat.p",
                Schema.STRING_SCHEMA, "p");
    }
}
