package io.cdcrunner.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;

import io.cdcrunner.mapping.RecordItems;
import io.cdcrunner.mapping.SourceRecordJson;
import io.cdcrunner.core.SourceItem;

/**
 * Turns a Kafka record written by a Connect worker (the connector's JSON converter, schemas included) back into the
 * Connect record the connector produced, and so into the item the embedded engine's record gives: the same events
 * and types. Not quite the same ids: the record's source offset here is where it lies in Kafka, and the engine's offset,
 * which counts the event's place inside its transaction, is in the worker's offset topic, not in the record; so an
 * event's id has the binlog form ({@link io.cdcrunner.processor.ChangeEvent#positionEventId()}), never the GTID form.
 * Nulls stay nulls: the converter reads with {@code replace.null.with.default=false}, as the connector must write
 * ({@code connector-config}).
 */
final class ConnectRecords {

    /** Where a record lies in Kafka, as its source offset: what a dead letter of an unmappable record keeps. */
    static final String TOPIC = "kafka_topic";
    static final String PARTITION = "kafka_partition";
    static final String OFFSET = "kafka_offset";

    private final RecordItems items;
    private final JsonConverter keys = SourceRecordJson.converter(true);
    private final JsonConverter values = SourceRecordJson.converter(false);

    ConnectRecords(RecordItems items) {
        this.items = items;
    }

    /** What the record is to the pipeline; a record that is not Connect JSON is an unmappable item naming where it is. */
    SourceItem item(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            // A tombstone: nothing the connector writes as configured, and nothing to process.
            return SourceItem.nothing(SourceItem.Phase.STREAM);
        }
        SourceRecord connectRecord;
        try {
            connectRecord = toConnect(record);
        } catch (RuntimeException e) {
            IllegalArgumentException error = new IllegalArgumentException("record " + where(record)
                    + " is not a change record in Connect's JSON form with schemas (" + e.getMessage() + "): the"
                    + " connector must write with the converters connector-config prints", e);
            String text = new String(record.value(), StandardCharsets.UTF_8);
            return SourceItem.unmappable(new SourceItem.Unmappable(error, null, where(record), () -> text),
                    SourceItem.Phase.STREAM);
        }
        return items.item(connectRecord);
    }

    /** @throws org.apache.kafka.connect.errors.DataException when the bytes are not Connect JSON with schemas */
    SourceRecord toConnect(ConsumerRecord<byte[], byte[]> record) {
        SchemaAndValue key = record.key() == null ? SchemaAndValue.NULL : keys.toConnectData(record.topic(), record.key());
        SchemaAndValue value = values.toConnectData(record.topic(), record.value());
        return new SourceRecord(Map.of(TOPIC, record.topic(), PARTITION, record.partition()),
                Map.of(OFFSET, record.offset()), record.topic(), record.partition(), key.schema(), key.value(),
                value.schema(), value.value());
    }

    static String where(ConsumerRecord<?, ?> record) {
        return new TopicPartition(record.topic(), record.partition()) + "@" + record.offset();
    }
}
