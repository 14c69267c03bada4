package io.cdcrunner.mapping;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A change record as it came from the engine, in Kafka Connect's JSON form with schemas: what a dead letter keeps
 * of a record the daemon could not map, so that a later version can map it again. Nulls stay nulls (Connect's
 * converter would otherwise put a column's default in their place), and the schema parameters the mapping reads
 * (the source column types) are kept.
 */
public final class SourceRecordJson {

    // Exact decimals: a number read into a tree must not pass through a double.
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
    private static final JsonConverter KEYS = converter(true);
    private static final JsonConverter VALUES = converter(false);

    private SourceRecordJson() {
    }

    /**
     * Connect's JSON converter as the daemon reads and writes change records: with schemas, nulls kept null (Connect's
     * converter would otherwise put a column's default in their place).
     */
    public static JsonConverter converter(boolean isKey) {
        JsonConverter converter = new JsonConverter();
        // DECIMAL values as their unscaled bytes (the default), which no JSON reader can round.
        converter.configure(Map.of("schemas.enable", "true", "replace.null.with.default", "false"), isKey);
        return converter;
    }

    /** {@code {"topic":..., "partition":{...}, "offset":{...}, "key":{schema, payload}, "value":{schema, payload}}} */
    public static String write(SourceRecord record) {
        ObjectNode node = JSON.createObjectNode();
        node.put("topic", record.topic());
        node.set("partition", JSON.valueToTree(record.sourcePartition()));
        node.set("offset", JSON.valueToTree(record.sourceOffset()));
        node.set("key", tree(KEYS.fromConnectData(record.topic(), record.keySchema(), record.key())));
        node.set("value", tree(VALUES.fromConnectData(record.topic(), record.valueSchema(), record.value())));
        return node.toString();
    }

    /** @throws IllegalArgumentException when the text is not what {@link #write} makes */
    @SuppressWarnings("unchecked")
    public static SourceRecord read(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            String topic = node.path("topic").asText();
            SchemaAndValue key = KEYS.toConnectData(topic, bytes(node.path("key")));
            SchemaAndValue value = VALUES.toConnectData(topic, bytes(node.path("value")));
            return new SourceRecord(JSON.treeToValue(node.path("partition"), Map.class),
                    JSON.treeToValue(node.path("offset"), Map.class), topic, null, key.schema(), key.value(),
                    value.schema(), value.value());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a stored change record: " + e.getMessage(), e);
        }
    }

    private static JsonNode tree(byte[] json) {
        try {
            return json == null ? JSON.nullNode() : JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(JsonNode node) throws IOException {
        return node.isMissingNode() || node.isNull() ? null : JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
    }
}
