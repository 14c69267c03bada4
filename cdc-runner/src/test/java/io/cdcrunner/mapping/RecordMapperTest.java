package io.cdcrunner.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import io.cdcrunner.binlog.TestRecords;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.Row;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.processor.SourcePosition;
import io.cdcrunner.testkit.UnitTest;
import io.debezium.data.Envelope;
import io.debezium.schema.SchemaFactory;
import io.debezium.schema.SchemaNameAdjuster;

/** Envelope walking on records built with Debezium's own schema classes, as the connectors build them. */
@UnitTest
class RecordMapperTest {

    private static final Instant COMMIT = Instant.parse("2026-11-26T10:15:30Z");

    private static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.mysql.Source")
            .field("version", Schema.STRING_SCHEMA)
            .field("connector", Schema.STRING_SCHEMA)
            .field("name", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA)
            .field("snapshot", SchemaBuilder.string().optional().defaultValue("false").build())
            .field("db", Schema.STRING_SCHEMA)
            .field("table", Schema.OPTIONAL_STRING_SCHEMA)
            .field("server_id", Schema.INT64_SCHEMA)
            .field("gtid", Schema.OPTIONAL_STRING_SCHEMA)
            .field("file", Schema.STRING_SCHEMA)
            .field("pos", Schema.INT64_SCHEMA)
            .field("row", Schema.INT32_SCHEMA)
            .build();
    private static final Schema KEY = SchemaBuilder.struct().name("test.shop.orders.Key")
            .field("id", Schema.INT32_SCHEMA).build();
    private static final Schema VALUE = SchemaBuilder.struct().name("test.shop.orders.Value").optional()
            .field("id", Schema.INT32_SCHEMA)
            .field("note", Schema.OPTIONAL_STRING_SCHEMA)
            .build();
    private static final Envelope ENVELOPE = Envelope.defineSchema().withName("test.shop.orders.Envelope")
            .withRecord(VALUE).withSource(SOURCE).withTransaction(SchemaFactory.get().transactionBlockSchema()).build();

    private final RecordMapper mapper = new RecordMapper();

    @Test
    void aBlobIsSharedWithTheRecordNotCopiedAndItsReadersStillGetCopies() {
        SourceRecord record = TestRecords.insertWithPayload(7, 4096);
        byte[] inRecord = ((java.nio.ByteBuffer) ((Struct) ((Struct) record.value()).get("after")).get("payload")).array();

        ChangeEvent event = mapper.map(record);

        // A 64 MB row is then held once while its batch is in flight, not twice.
        assertThat(event.after().asMap().get("payload")).isSameAs(inRecord);
        byte[] read = event.after().get("payload", byte[].class);
        assertThat(read).isNotSameAs(inRecord).isEqualTo(inRecord);
        assertThat(event.key().asMap()).containsEntry("id", 7);
    }

    @Test
    void mapsEachOperationCode() {
        Struct before = order(1, "old");
        Struct after = order(1, "new");
        Struct source = source("mysql", "3e11fa47-71ca-11e1-9e33-c80aa9429562:23");

        assertThat(map(ENVELOPE.create(after, source, COMMIT)).operation()).isEqualTo(Operation.INSERT);
        assertThat(map(ENVELOPE.read(after, source, COMMIT)).operation()).isEqualTo(Operation.INSERT);
        ChangeEvent update = map(ENVELOPE.update(before, after, source, COMMIT));
        assertThat(update.operation()).isEqualTo(Operation.UPDATE);
        assertThat(update.before()).isEqualTo(Row.of(Map.of("id", 1, "note", "old")));
        assertThat(update.after()).isEqualTo(Row.of(Map.of("id", 1, "note", "new")));
        ChangeEvent delete = map(ENVELOPE.delete(before, source, COMMIT));
        assertThat(delete.operation()).isEqualTo(Operation.DELETE);
        assertThat(delete.after().isEmpty()).isTrue();
        assertThat(delete.row()).isEqualTo(Row.of(Map.of("id", 1, "note", "old")));
    }

    @Test
    void readsPositionTablesAndCommitTimeFromTheSourceBlock() {
        Struct source = source("mysql", "3e11fa47-71ca-11e1-9e33-c80aa9429562:23");

        ChangeEvent event = map(ENVELOPE.create(order(7, null), source, COMMIT));

        assertThat(event.database()).isEqualTo("shop");
        assertThat(event.table()).isEqualTo("orders");
        assertThat(event.key()).isEqualTo(Row.of(Map.of("id", 7)));
        assertThat(event.position()).isEqualTo(new SourcePosition(ServerFlavor.MYSQL, 223344L, "mysql-bin.000003", 4711L,
                2, "3e11fa47-71ca-11e1-9e33-c80aa9429562:23"));
        assertThat(event.commitTime()).isEqualTo(COMMIT);
        assertThat(event.transactionId()).isEqualTo("3e11fa47-71ca-11e1-9e33-c80aa9429562:23");
        assertThat(event.after().get("note")).isNull();
    }

    @Test
    void theIndexInsideTheTransactionComesFromTheEnginesOffset() {
        Struct envelope = ENVELOPE.create(order(7, null), source("mariadb", "0-1-20155"), COMMIT);
        // As BinlogOffsetContext writes it: the GTID set completed before the transaction, the events handled since
        // its start (left out when 0), and the rows to skip.
        Map<String, Object> offset = Map.of("gtids", "0-1-20154", "file", "binlog.000003", "pos", 4000L,
                "event", 3L, "row", 3);

        ChangeEvent event = map(envelope, offset);

        assertThat(event.position().transactionEvent()).isEqualTo(3);
        assertThat(event.eventId()).isEqualTo("gtid:0-1-20155:3:2");
        assertThat(event.positionEventId()).isEqualTo("mysql-bin.000003:4711:2");
    }

    @Test
    void aRowChangeWhoseOffsetLeavesTheIndexOutHasTheBinlogFormId() {
        // MySQL's XA transactions: the engine counts no transaction, so every rows event's offset leaves "event" out.
        Struct envelope = ENVELOPE.create(order(7, null), source("mysql", "3e11fa47-71ca-11e1-9e33-c80aa9429562:23"),
                COMMIT);

        ChangeEvent event = map(envelope, Map.of("gtids", "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-22",
                "file", "mysql-bin.000003", "pos", 4900L));

        assertThat(event.position().transactionEvent()).isEqualTo(-1);
        assertThat(event.eventId()).isEqualTo("mysql-bin.000003:4711:2");
    }

    @Test
    void aTableEventWhoseOffsetLeavesTheIndexOutIsAtIndexZero() {
        // A MySQL DDL statement (here TRUNCATE) is alone under its GTID, outside a transaction.
        Struct truncate = ENVELOPE.truncate(source("mysql", "3e11fa47-71ca-11e1-9e33-c80aa9429562:23"), COMMIT);

        ChangeEvent event = map(truncate, Map.of("gtids", "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-22",
                "file", "mysql-bin.000003", "pos", 4900L));

        assertThat(event.position().transactionEvent()).isZero();
        assertThat(event.eventId()).isEqualTo("gtid:3e11fa47-71ca-11e1-9e33-c80aa9429562:23:0:2:shop.orders");
    }

    @Test
    void withoutAGtidSetInTheOffsetTheIndexIsUnknownAndTheIdHasTheBinlogForm() {
        Struct envelope = ENVELOPE.create(order(7, null), source("mysql", null), COMMIT);
        Struct gtidButNoEngineOffset = ENVELOPE.create(order(7, null), source("mariadb", "0-1-20155"), COMMIT);

        assertThat(map(envelope, Map.of("file", "binlog.000003", "pos", 4000L, "event", 3L)).position()
                .transactionEvent()).isEqualTo(-1);
        // A record read from Kafka: its offset is where it lies in the topic.
        ChangeEvent fromKafka = map(gtidButNoEngineOffset, Map.of("kafka_offset", 17L));
        assertThat(fromKafka.position().transactionEvent()).isEqualTo(-1);
        assertThat(fromKafka.eventId()).isEqualTo("mysql-bin.000003:4711:2");
        assertThat(map(gtidButNoEngineOffset).position().transactionEvent()).isEqualTo(-1);
    }

    @Test
    void aSnapshotRowHasNoIndexInsideATransaction() {
        Struct source = source("mariadb", null).put("snapshot", "true");
        ChangeEvent row = map(ENVELOPE.create(order(7, null), source, COMMIT),
                Map.of("gtids", "0-1-20154", "file", "binlog.000003", "pos", 4000L, "snapshot", "INITIAL"));

        assertThat(row.position().transactionEvent()).isEqualTo(-1);
        assertThat(row.eventId()).startsWith("snapshot:");
    }

    @Test
    void aRowOfAnIncrementalSnapshotIsABackfillOfTheRunItsOffsetNames() {
        Struct source = source("mariadb", "0-1-20160").put("snapshot", "incremental");
        ChangeEvent row = map(ENVELOPE.create(order(7, null), source, COMMIT),
                Map.of("gtids", "0-1-20160", "file", "binlog.000003", "pos", 4000L, "snapshot", "INCREMENTAL",
                        "incremental_snapshot_correlation_id", "b20261208-021530-7f3a"));
        // From Kafka the record carries no engine offset: named by where its chunk was delivered.
        ChangeEvent fromKafka = map(ENVELOPE.create(order(7, null), source("mariadb", "0-1-20160")
                .put("snapshot", "incremental"), COMMIT));

        assertThat(row.isBackfill()).isTrue();
        assertThat(row.operation()).isEqualTo(Operation.INSERT);
        assertThat(row.position().snapshot()).isTrue();
        assertThat(row.position().backfill()).isEqualTo("b20261208-021530-7f3a");
        assertThat(row.eventId()).isEqualTo("backfill:b20261208-021530-7f3a:shop.orders:7");
        assertThat(fromKafka.position().backfill()).startsWith("binlog:");
        assertThat(map(ENVELOPE.create(order(7, null), source("mariadb", null).put("snapshot", "true"), COMMIT),
                Map.of("file", "binlog.000003", "pos", 4000L)).isBackfill()).as("an initial snapshot's row").isFalse();
    }

    @Test
    void transactionIdPrefersTheTransactionBlockThenTheGtid() {
        Struct withBlock = ENVELOPE.create(order(1, "x"), source("mariadb", "0-1-42"), COMMIT);
        withBlock.put("transaction", new Struct(SchemaFactory.get().transactionBlockSchema())
                .put("id", "file=binlog.000001,pos=120").put("total_order", 1L).put("data_collection_order", 1L));

        assertThat(map(withBlock).transactionId()).isEqualTo("file=binlog.000001,pos=120");
        assertThat(map(withBlock).position().flavor()).isEqualTo(ServerFlavor.MARIADB);
        assertThat(map(ENVELOPE.create(order(1, "x"), source("mariadb", null), COMMIT)).transactionId()).isNull();
    }

    @Test
    void recordsThatAreNotRowChangesMapToNull() {
        SchemaNameAdjuster names = SchemaNameAdjuster.NO_OP;
        Schema heartbeat = SchemaFactory.get().heartbeatValueSchema(names);
        Schema transaction = SchemaFactory.get().transactionValueSchema(names);
        // The shape of the binlog connectors' schema-change records: a source block and DDL, no op.
        Schema schemaChange = SchemaBuilder.struct().name("io.debezium.connector.mysql.SchemaChangeValue")
                .field("source", SOURCE)
                .field("ts_ms", Schema.INT64_SCHEMA)
                .field("databaseName", Schema.OPTIONAL_STRING_SCHEMA)
                .field("ddl", Schema.OPTIONAL_STRING_SCHEMA)
                .build();

        assertThat(mapper.map(record("__debezium-heartbeat.test", heartbeat,
                new Struct(heartbeat).put("ts_ms", 1L)))).isNull();
        assertThat(mapper.map(record("test.transaction", transaction, new Struct(transaction)
                .put("status", "BEGIN").put("id", "0-1-42").put("ts_ms", 1L)))).isNull();
        assertThat(mapper.map(record("test", schemaChange, new Struct(schemaChange)
                .put("source", source("mysql", null)).put("ts_ms", 1L).put("ddl", "CREATE TABLE t (id INT)")))).isNull();
        assertThat(mapper.map(record("test.shop.orders", null, null))).as("tombstone").isNull();
    }

    @Test
    void aTruncateIsATableEventWithoutRows() {
        ChangeEvent truncate = map(ENVELOPE.truncate(source("mysql", null), COMMIT));
        assertThat(truncate.operation()).isEqualTo(Operation.TRUNCATE);
        assertThat(truncate.operation().isRowChange()).isFalse();
        assertThat(truncate.key().isEmpty() && truncate.before().isEmpty() && truncate.after().isEmpty()).isTrue();
        assertThat(truncate.eventId()).endsWith(":" + truncate.qualifiedTable());
    }

    @Test
    void rejectsRecordsOfOtherConnectors() {
        Struct fromPostgres = ENVELOPE.create(order(1, "x"), source("postgresql", null), COMMIT);

        assertThatThrownBy(() -> map(fromPostgres))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("postgresql");
    }

    @Test
    void connectorPropertiesAskForExactValues() {
        assertThat(RecordMapper.connectorProperties())
                .containsEntry("decimal.handling.mode", "precise")
                .containsEntry("bigint.unsigned.handling.mode", "precise")
                .containsEntry("time.precision.mode", "adaptive_time_microseconds")
                .containsEntry("binary.handling.mode", "bytes")
                .containsEntry("enable.time.adjuster", "false")
                .containsEntry("column.propagate.source.type", ".*")
                .containsEntry("event.converting.failure.handling.mode", "fail");
    }

    private ChangeEvent map(Struct envelope) {
        return map(envelope, Map.of());
    }

    private ChangeEvent map(Struct envelope, Map<String, ?> sourceOffset) {
        Struct row = envelope.get("after") != null ? envelope.getStruct("after") : envelope.getStruct("before");
        Struct key = row == null ? null : new Struct(KEY).put("id", row.get("id"));
        return mapper.map(new SourceRecord(Map.of(), sourceOffset, "test.shop.orders", null,
                key == null ? null : KEY, key, envelope.schema(), envelope));
    }

    private static SourceRecord record(String topic, Schema schema, Struct value) {
        return new SourceRecord(Map.of(), Map.of(), topic, schema, value);
    }

    private static Struct order(int id, String note) {
        return new Struct(VALUE).put("id", id).put("note", note);
    }

    private static Struct source(String connector, String gtid) {
        return new Struct(SOURCE).put("version", "3.5.0.Final").put("connector", connector).put("name", "test")
                .put("ts_ms", COMMIT.toEpochMilli()).put("db", "shop").put("table", "orders").put("server_id", 223344L)
                .put("gtid", gtid).put("file", "mysql-bin.000003").put("pos", 4711L).put("row", 2);
    }
}
