package io.cdcrunner.deadletter;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.Row;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.processor.SourcePosition;

/**
 * An exact JSON form of a {@link ChangeEvent}: decoding the JSON gives an event equal to the one encoded,
 * every row value of the same Java type and value. Thread-safe.
 *
 * <pre>{@code
 * {"format":1,"eventId":"gtid:0-1-8:2:0","operation":"INSERT","database":"shop","table":"orders",
 *  "position":{"flavor":"MARIADB","serverId":1,"binlogFile":"binlog.000001","binlogPosition":1234,"row":0,
 *              "gtid":"0-1-8","snapshot":false,"transactionEvent":2},
 *  "commitTime":"2026-01-02T10:00:00Z","transactionId":"0-1-8",
 *  "key":{"id":{"int":7}},"before":{},"after":{"id":{"int":7},"price":{"decimal":"12.50"},"note":null}}
 * }</pre>
 *
 * A row is an object of columns in table order; each non-null value is an object with one member naming its
 * type: {@code short}, {@code int}, {@code long} (JSON numbers), {@code biginteger}, {@code decimal} (strings,
 * decimals keeping their scale), {@code float}, {@code double} (strings from {@code Float/Double.toString},
 * so {@code "NaN"}, {@code "-Infinity"} and {@code "-0.0"} survive), {@code string}, {@code bytes} (base64),
 * {@code boolean}, {@code date}, {@code time} (a {@link java.time.Duration} in ISO-8601, e.g.
 * {@code "PT-838H-59M"}), {@code datetime}, {@code timestamp} (ISO-8601, to the nanosecond), {@code year}
 * (a number), {@code set} (an array of labels, in order), {@code uuid}, {@code geometry} (an object with
 * {@code srid} and {@code wkb}, base64) and {@code bits} (0s and 1s, most significant bit first): one tag per
 * {@link io.cdcrunner.processor.ValueType}. SQL NULL is JSON {@code null}. {@code eventId} is informative;
 * decoding ignores it. {@code position.transactionEvent} is there when known (letters written before it existed
 * lack it, and decode to -1): the decoded event has the id the stored one had.
 */
public final class ChangeEventCodec {

    /** The version of this JSON form, written as {@code format}; decoding rejects any other. */
    public static final int FORMAT = 1;

    static final ObjectMapper MAPPER = new ObjectMapper();

    private ChangeEventCodec() {
    }

    /** The event as compact JSON on one line (control characters in values are escaped). */
    public static String toJson(ChangeEvent event) {
        return write(toTree(event));
    }

    /** The event as indented JSON, for people to read; {@link #fromJson} reads it too. */
    public static String toPrettyJson(ChangeEvent event) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(toTree(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The event encoded by {@link #toJson}.
     *
     * @throws IllegalArgumentException when the text is not such an event; the message names the member
     */
    public static ChangeEvent fromJson(String json) {
        return fromTree(read(json));
    }

    /** The event as a JSON tree, to embed in a larger document. */
    public static ObjectNode toTree(ChangeEvent event) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("format", FORMAT);
        node.put("eventId", event.eventId());
        node.put("operation", event.operation().name());
        node.put("database", event.database());
        node.put("table", event.table());
        SourcePosition position = event.position();
        ObjectNode pos = node.putObject("position");
        pos.put("flavor", position.flavor().name());
        pos.put("serverId", position.serverId());
        pos.put("binlogFile", position.binlogFile());
        pos.put("binlogPosition", position.binlogPosition());
        pos.put("row", position.row());
        pos.put("gtid", position.gtid());
        pos.put("snapshot", position.snapshot());
        if (position.backfill() != null) {
            pos.put("backfill", position.backfill());
        }
        if (position.transactionEvent() >= 0) {
            pos.put("transactionEvent", position.transactionEvent());
        }
        node.put("commitTime", event.commitTime() == null ? null : event.commitTime().toString());
        node.put("transactionId", event.transactionId());
        node.set("key", encodeRow("key", event.key()));
        node.set("before", encodeRow("before", event.before()));
        node.set("after", encodeRow("after", event.after()));
        return node;
    }

    /**
     * The event encoded by {@link #toTree}.
     *
     * @throws IllegalArgumentException when the tree is not such an event; the message names the member
     */
    public static ChangeEvent fromTree(JsonNode node) {
        Fields event = new Fields(node, "event");
        int format = event.intValue("format");
        if (format != FORMAT) {
            throw new IllegalArgumentException("event format " + format + " is not supported (this version reads "
                    + FORMAT + "); use the cdc-runner version that stored it");
        }
        Fields pos = event.object("position");
        SourcePosition position = new SourcePosition(
                pos.enumValue("flavor", ServerFlavor.class), pos.longValue("serverId"), pos.text("binlogFile"),
                pos.longValue("binlogPosition"), pos.intValue("row"), pos.nullableText("gtid"),
                pos.booleanValue("snapshot"),
                pos.node().has("transactionEvent") ? pos.intValue("transactionEvent") : -1,
                pos.node().has("backfill") ? pos.text("backfill") : null);
        Instant commitTime = event.member("commitTime").isNull() ? null : event.instant("commitTime");
        return new ChangeEvent(event.enumValue("operation", Operation.class), event.text("database"),
                event.text("table"), decodeRow(event, "key"), decodeRow(event, "before"), decodeRow(event, "after"),
                position, commitTime, event.nullableText("transactionId"));
    }

    private static ObjectNode encodeRow(String name, Row row) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, Object> column : row.asMap().entrySet()) {
            Object value = column.getValue();
            if (value == null) {
                node.putNull(column.getKey());
                continue;
            }
            ValueTag tag;
            try {
                tag = ValueTag.of(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + "." + column.getKey() + ": " + e.getMessage(), e);
            }
            node.putObject(column.getKey()).set(tag.tag(), tag.encode(value));
        }
        return node;
    }

    private static Row decodeRow(Fields event, String name) {
        Fields row = event.object(name);
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> column : row.node().properties()) {
            values.put(column.getKey(), decodeValue(name + "." + column.getKey(), column.getValue()));
        }
        return Row.of(values);
    }

    private static Object decodeValue(String path, JsonNode node) {
        if (node.isNull()) {
            return null;
        }
        if (!node.isObject() || node.size() != 1) {
            throw new IllegalArgumentException(path + ": expected null or an object with one member naming the "
                    + "value's type, found " + node.getNodeType());
        }
        Map.Entry<String, JsonNode> tagged = node.properties().iterator().next();
        try {
            return ValueTag.named(tagged.getKey()).decode(tagged.getValue());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    static JsonNode read(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
