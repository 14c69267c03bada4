package io.cdcrunner.processor.builtin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Row;
import io.cdcrunner.processor.SourcePosition;

/**
 * A lossless JSON form of a {@link ChangeEvent}, one object per event:
 * <pre>{@code
 * {"op":"INSERT","database":"shop","table":"orders","key":{"id":7},"after":{...},
 *  "position":{"flavor":"MARIADB","serverId":1,"file":"binlog.000001","pos":1234,"row":0,"gtid":"0-1-8"},
 *  "commitTime":"2026-01-02T10:00:00Z","transactionId":"0-1-8","eventId":"binlog.000001:1234:0"}
 * }</pre>
 * {@code before} is left out for inserts and {@code after} for deletes, both for table events ({@code TRUNCATE},
 * {@code DROP}); SQL NULL is JSON {@code null}.
 * Column values (see {@link Row} for their Java types) are written so that no digit or bit is lost:
 * <ul>
 *   <li>integers (including BIGINT UNSIGNED as {@link java.math.BigInteger}) as JSON numbers;</li>
 *   <li>{@link BigDecimal} as a JSON string in plain notation keeping its scale ({@code "12.50"}, never
 *       {@code 1.25E+1}), because many JSON readers turn numbers into doubles;</li>
 *   <li>FLOAT/DOUBLE as JSON numbers; BIT(1) as {@code true}/{@code false};</li>
 *   <li>{@code byte[]} as a base64 string;</li>
 *   <li>{@link BitSet} (BIT(n)) as a string of 0s and 1s, most significant bit first, as long as the
 *       highest set bit ({@code "101"} is 5; an all-zero value is {@code "0"});</li>
 *   <li>{@link java.time.Duration}, {@link java.time.LocalDate}, {@link java.time.LocalDateTime},
 *       {@link java.time.Instant} and {@link java.time.Year} as ISO-8601 strings ({@code "PT-1H-30M"},
 *       {@code "2026-01-02"}, {@code "2026-01-02T10:00:00.5"}, {@code "2026-01-02T10:00:00Z"}, {@code "2026"});</li>
 *   <li>SET values as arrays of labels.</li>
 * </ul>
 * Thread-safe.
 */
public final class ChangeEventJson {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .registerModule(new SimpleModule("cdc-runner-values")
                    .addSerializer(BigDecimal.class, new PlainDecimalSerializer())
                    .addSerializer(BitSet.class, new BitStringSerializer()))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);
    private static final ObjectWriter COMPACT = MAPPER.writer();
    private static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();

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

    private static Map<String, Object> toTree(ChangeEvent event) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("op", event.operation().name());
        json.put("database", event.database());
        json.put("table", event.table());
        json.put("key", event.key().asMap());
        if (!event.before().isEmpty()) {
            json.put("before", event.before().asMap());
        }
        if (!event.after().isEmpty()) {
            json.put("after", event.after().asMap());
        }
        SourcePosition position = event.position();
        Map<String, Object> where = new LinkedHashMap<>();
        where.put("flavor", position.flavor().name());
        where.put("serverId", position.serverId());
        where.put("file", position.binlogFile());
        where.put("pos", position.binlogPosition());
        where.put("row", position.row());
        where.put("gtid", position.gtid());
        json.put("position", where);
        json.put("commitTime", event.commitTime());
        json.put("transactionId", event.transactionId());
        json.put("eventId", event.eventId());
        return json;
    }

    private static final class PlainDecimalSerializer extends JsonSerializer<BigDecimal> {
        @Override
        public void serialize(BigDecimal value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(value.toPlainString());
        }
    }

    private static final class BitStringSerializer extends JsonSerializer<BitSet> {
        @Override
        public void serialize(BitSet value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            int length = Math.max(1, value.length());
            StringBuilder bits = new StringBuilder(length);
            for (int i = length - 1; i >= 0; i--) {
                bits.append(value.get(i) ? '1' : '0');
            }
            gen.writeString(bits.toString());
        }
    }
}
