package io.cdcrunner.processor.builtin;

import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Year;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Geometry;
import io.cdcrunner.processor.Row;
import io.cdcrunner.processor.SourcePosition;
import io.cdcrunner.processor.ValueType;

/**
 * A lossless JSON form of a {@link ChangeEvent}, one object per event:
 * <pre>{@code
 * {"op":"INSERT","database":"shop","table":"orders","key":{"id":7},"after":{...},
 *  "position":{"flavor":"MARIADB","serverId":1,"file":"binlog.000001","pos":1234,"row":0,"gtid":"0-1-8",
 *              "transactionEvent":2},
 *  "commitTime":"2026-01-02T10:00:00Z","transactionId":"0-1-8","eventId":"gtid:0-1-8:2:0"}
 * }</pre>
 * {@code before} is left out for inserts and {@code after} for deletes, both for table events ({@code TRUNCATE},
 * {@code DROP}); {@code position.transactionEvent} when the event's index inside its transaction is unknown
 * ({@link SourcePosition#transactionEvent()}); SQL NULL is JSON {@code null}.
 *
 * <p>Every {@link ValueType} has one form, chosen so that no digit or bit is lost and a reader needs nothing from
 * cdc-runner to use it:
 * <table>
 *   <caption>JSON form of each value type</caption>
 *   <tr><th>Value type (column types)</th><th>JSON</th></tr>
 *   <tr><td>{@code Short}, {@code Integer}, {@code Long}, {@code BigInteger} (TINYINT..BIGINT, BIGINT UNSIGNED)</td>
 *       <td>a number, every digit: {@code 18446744073709551615}. Read integers as integers: a reader that turns
 *       every number into a double (JavaScript's {@code JSON.parse}) rounds those beyond 2^53, BIGINT's as well as
 *       BIGINT UNSIGNED's</td></tr>
 *   <tr><td>{@code BigDecimal} (DECIMAL)</td><td>a string in plain notation keeping the scale: {@code "12.50"},
 *       {@code "0.000000000000000000000000000001"}, never {@code 1.25E+1}; a string because many readers turn
 *       numbers into doubles, which hold about 16 digits of DECIMAL's 65</td></tr>
 *   <tr><td>{@code Float}, {@code Double} (FLOAT, DOUBLE)</td><td>a number that reads back as the same float or
 *       double ({@link Float#toString}, {@link Double#toString}: {@code 0.1}, {@code -3.4028235E38}); read a FLOAT into a 4-byte float to get its
 *       value exactly. NaN and the infinities, which no column stores, as the strings {@code "NaN"},
 *       {@code "Infinity"}, {@code "-Infinity"}</td></tr>
 *   <tr><td>{@code String} (CHAR, VARCHAR, TEXT, ENUM, INET4, INET6, JSON)</td><td>a string. A JSON column's
 *       document is a string too, its text as the model holds it ({@code "{\"a\": [1, 2.50]}"}): the model gives a
 *       JSON column the type of a TEXT one, so the writer cannot tell them apart and never re-renders a
 *       document</td></tr>
 *   <tr><td>{@code byte[]} (BINARY, VARBINARY, BLOB)</td><td>a base64 string (RFC 4648, with padding, no line
 *       breaks): {@code "AAH/fw=="}. Base64, not hex: a third shorter, and what Jackson, Debezium's JSON and most
 *       JSON tools use for bytes</td></tr>
 *   <tr><td>{@code Boolean} (BIT(1))</td><td>{@code true} or {@code false}</td></tr>
 *   <tr><td>{@link BitSet} (BIT(n), n &gt; 1)</td><td>a string of 0s and 1s, most significant bit first, as long
 *       as the highest set bit: {@code "1000000011"} is b'1000000011'; no bit set is {@code "0"}</td></tr>
 *   <tr><td>{@code Set} (SET)</td><td>an array of the labels in definition order: {@code ["red","blue"]};
 *       {@code []} for {@code ''}</td></tr>
 *   <tr><td>{@link LocalDate} (DATE)</td><td>ISO-8601 {@code "2024-02-29"}, four-digit years
 *       ({@code "0050-03-04"})</td></tr>
 *   <tr><td>{@link LocalDateTime} (DATETIME)</td><td>ISO-8601 without a zone, seconds always written and the
 *       fraction as long as needed: {@code "2026-02-28T23:00:00"}, {@code "9999-12-31T23:59:59.999999"}</td></tr>
 *   <tr><td>{@link Instant} (TIMESTAMP)</td><td>ISO-8601 in UTC ({@link Instant#toString()}):
 *       {@code "2038-01-19T03:14:07.999999Z"}</td></tr>
 *   <tr><td>{@link Duration} (TIME)</td><td>an ISO-8601 duration ({@link Duration#toString()}, which
 *       {@link Duration#parse} reads): {@code "PT-838H-59M-59S"}, {@code "PT123H45M56.789012S"}. Not a time of
 *       day: a TIME can be negative and beyond 24 hours</td></tr>
 *   <tr><td>{@link Year} (YEAR)</td><td>the four-digit ISO year as a string: {@code "2155"}, the zero year
 *       {@code "0000"}</td></tr>
 *   <tr><td>{@link UUID} (MariaDB UUID)</td><td>the canonical lower-case string
 *       {@code "123e4567-e89b-12d3-a456-426655440000"}</td></tr>
 *   <tr><td>{@link Geometry} (GEOMETRY, POINT and the other spatial types)</td><td>an object with the SRID and the
 *       WKB in lower-case hex: {@code {"srid":4326,"wkb":"0101000000cdcccccccccc2a400000000000404a40"}} is
 *       {@code POINT(13.4 52.5)}. The WKB as the server stores it, not WKT: it is exact (WKT rewrites each coordinate
 *       as decimal text) and every spatial tool reads hex WKB: {@code ST_GeomFromWKB(UNHEX(wkb), srid)} in
 *       MySQL/MariaDB, {@code ST_GeomFromWKB(decode(wkb, 'hex'), srid)} in PostGIS, JTS's {@code WKBReader},
 *       shapely's {@code wkb.loads(wkb, hex=True)}. To read one by eye:
 *       {@code SELECT ST_AsText(ST_GeomFromWKB(UNHEX('...')))}</td></tr>
 * </table>
 * The model holds no marker values: a zero date arrives as {@code null} or the epoch (see {@link Row}) and is
 * written as such, and a row holding an impossible date never reaches a processor.
 *
 * <p>A value of a type not in {@link ValueType} (which no row the daemon delivers holds) is refused with an
 * {@link IllegalArgumentException} naming its column. Thread-safe.
 */
public final class ChangeEventJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectWriter COMPACT = MAPPER.writer();
    private static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ChangeEventJson() {
    }

    /** The event as one line of JSON (no line break inside). */
    public static String toJson(ChangeEvent event) {
        return write(COMPACT, event);
    }

    /** The event as indented, multi-line JSON for people to read. */
    public static String toPrettyJson(ChangeEvent event) {
        return write(PRETTY, event);
    }

    private static String write(ObjectWriter writer, ChangeEvent event) {
        try {
            return writer.writeValueAsString(toTree(event));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write event " + event + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The event as a JSON tree, for a processor that puts it inside a message of its own (an HTTP group body). */
    static ObjectNode toTree(ChangeEvent event) {
        ObjectNode json = NODES.objectNode();
        json.put("op", event.operation().name());
        json.put("database", event.database());
        json.put("table", event.table());
        json.set("key", row("key", event.key()));
        if (!event.before().isEmpty()) {
            json.set("before", row("before", event.before()));
        }
        if (!event.after().isEmpty()) {
            json.set("after", row("after", event.after()));
        }
        SourcePosition position = event.position();
        ObjectNode where = json.putObject("position");
        where.put("flavor", position.flavor().name());
        where.put("serverId", position.serverId());
        where.put("file", position.binlogFile());
        where.put("pos", position.binlogPosition());
        where.put("row", position.row());
        where.put("gtid", position.gtid());
        if (position.transactionEvent() >= 0) {
            where.put("transactionEvent", position.transactionEvent());
        }
        json.put("commitTime", event.commitTime() == null ? null : event.commitTime().toString());
        json.put("transactionId", event.transactionId());
        json.put("eventId", event.eventId());
        return json;
    }

    /** A row as a JSON object, each value in its form above. */
    static ObjectNode rowTree(Row row) {
        return row("row", row);
    }

    private static ObjectNode row(String name, Row row) {
        ObjectNode json = NODES.objectNode();
        for (Map.Entry<String, Object> column : row.asMap().entrySet()) {
            try {
                json.set(column.getKey(), value(column.getValue()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + "." + column.getKey() + ": " + e.getMessage(), e);
            }
        }
        return json;
    }

    /**
     * The JSON form of one row value, as the event's rows hold it; no {@code default} branch, so a new value type must
     * be given its form.
     */
    static JsonNode value(Object value) {
        if (value == null) {
            return NullNode.instance;
        }
        return switch (ValueType.of(value)) {
            case SHORT -> NODES.numberNode((Short) value);
            case INT -> NODES.numberNode((Integer) value);
            case LONG -> NODES.numberNode((Long) value);
            case BIG_INTEGER -> NODES.numberNode((BigInteger) value);
            case DECIMAL -> TextNode.valueOf(((BigDecimal) value).toPlainString());
            case FLOAT -> Float.isFinite((Float) value) ? NODES.numberNode((Float) value) : TextNode.valueOf(value.toString());
            case DOUBLE -> Double.isFinite((Double) value) ? NODES.numberNode((Double) value) : TextNode.valueOf(value.toString());
            case STRING -> TextNode.valueOf((String) value);
            case BYTES -> TextNode.valueOf(Base64.getEncoder().encodeToString((byte[]) value));
            case BOOLEAN -> BooleanNode.valueOf((Boolean) value);
            case DATE -> TextNode.valueOf(DateTimeFormatter.ISO_LOCAL_DATE.format((LocalDate) value));
            case TIME -> TextNode.valueOf(value.toString());
            case DATETIME -> TextNode.valueOf(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format((LocalDateTime) value));
            case TIMESTAMP -> TextNode.valueOf(value.toString());
            case YEAR -> TextNode.valueOf(String.format(Locale.ROOT, "%04d", ((Year) value).getValue()));
            case SET -> labels((Set<?>) value);
            case UUID -> TextNode.valueOf(value.toString());
            case GEOMETRY -> geometry((Geometry) value);
            case BITS -> TextNode.valueOf(bitString((BitSet) value));
        };
    }

    private static ArrayNode labels(Set<?> labels) {
        ArrayNode json = NODES.arrayNode(labels.size());
        for (Object label : labels) {
            json.add((String) label);
        }
        return json;
    }

    private static ObjectNode geometry(Geometry geometry) {
        ObjectNode json = NODES.objectNode();
        json.put("srid", geometry.srid());
        json.put("wkb", HexFormat.of().formatHex(geometry.wkb()));
        return json;
    }

    private static String bitString(BitSet value) {
        int length = Math.max(1, value.length());
        StringBuilder bits = new StringBuilder(length);
        for (int i = length - 1; i >= 0; i--) {
            bits.append(value.get(i) ? '1' : '0');
        }
        return bits.toString();
    }
}
