package io.cdcrunner.mapping;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import io.cdcrunner.debezium.ImpossibleDates;
import io.cdcrunner.debezium.UuidColumnConverter;
import io.cdcrunner.processor.Geometry;

/**
 * Chooses, once per column schema, the function that turns a Kafka Connect value produced by the Debezium
 * MySQL/MariaDB connectors into the Java type documented in {@link io.cdcrunner.processor.Row}.
 *
 * <p>The choice depends on the Debezium logical type ({@link Schema#name()}), the Connect type, and the
 * source column type that {@code column.propagate.source.type} adds as a schema parameter; see
 * {@link RecordMapper#connectorProperties()} for the connector settings this relies on.
 */
final class ValueConverters {

    /** Schema parameter holding the source column's type name, e.g. {@code BIGINT UNSIGNED}. */
    static final String SOURCE_TYPE = "__debezium.source.column.type";
    /** Schema parameter holding the source column's scale, when it has one. */
    static final String SOURCE_SCALE = "__debezium.source.column.scale";

    /** Converts one non-null Connect value. */
    @FunctionalInterface
    interface ValueConverter {
        Object convert(Object value);
    }

    private ValueConverters() {
    }

    /**
     * The converter for a column.
     *
     * @throws IllegalArgumentException if the column's type has no documented Java mapping
     * @throws IllegalStateException    if the connector was not configured as {@link RecordMapper} requires
     */
    static ValueConverter forField(Field field) {
        Schema schema = field.schema();
        String name = schema.name();
        if (name != null) {
            ValueConverter logical = forLogicalType(field, name);
            if (logical != null) {
                return logical;
            }
        }
        return forPlainType(field);
    }

    /** A DATE's value; an impossible date's marker ({@link ImpossibleDates}) cannot be mapped. */
    private static LocalDate date(LocalDate date) {
        if (ImpossibleDates.isMarker(date)) {
            throw ImpossibleDates.unmappable(date);
        }
        return date;
    }

    /** A DATETIME's value, Debezium's epoch count; an impossible date's marker ({@link ImpossibleDates}) cannot be mapped. */
    private static LocalDateTime dateTime(long units, long unitsPerSecond) {
        LocalDateTime dateTime = TemporalValues.wallClock(units, unitsPerSecond);
        if (ImpossibleDates.isMarker(dateTime.toLocalDate())) {
            throw ImpossibleDates.unmappable(dateTime.toLocalDate());
        }
        return dateTime;
    }

    private static ValueConverter forLogicalType(Field field, String name) {
        return switch (name) {
            case "io.debezium.time.Date" -> v -> date(LocalDate.ofEpochDay(((Number) v).longValue()));
            case "io.debezium.time.Time" -> v -> Duration.ofMillis(((Number) v).longValue());
            case "io.debezium.time.MicroTime" -> v -> Duration.of(((Number) v).longValue(), ChronoUnit.MICROS);
            case "io.debezium.time.NanoTime" -> v -> Duration.ofNanos(((Number) v).longValue());
            case "io.debezium.time.Timestamp" -> v -> dateTime(((Number) v).longValue(), 1_000L);
            case "io.debezium.time.MicroTimestamp" -> v -> dateTime(((Number) v).longValue(), 1_000_000L);
            case "io.debezium.time.NanoTimestamp" -> v -> dateTime(((Number) v).longValue(), 1_000_000_000L);
            // No real TIMESTAMP is the epoch itself (the range starts a second later): that is the zero TIMESTAMP,
            // which a nullable column delivers as null, as it does a zero DATE or DATETIME.
            case "io.debezium.time.ZonedTimestamp" -> field.schema().isOptional()
                    ? v -> TemporalValues.instantOrNullIfZero((String) v)
                    : v -> TemporalValues.instant((String) v);
            case "io.debezium.time.Year" -> v -> TemporalValues.year(((Number) v).intValue());
            case "io.debezium.data.Json", "io.debezium.data.Enum" -> v -> v;
            case UuidColumnConverter.SCHEMA_NAME -> v -> java.util.UUID.fromString((String) v);
            case "io.debezium.data.EnumSet" -> ValueConverters::labels;
            case "io.debezium.data.Bits" -> v -> BitSet.valueOf(bytes(v));
            case "io.debezium.data.geometry.Geometry", "io.debezium.data.geometry.Point" -> ValueConverters::geometry;
            // time.precision.mode=connect (not what connectorProperties() sets) still yields exact values where it can.
            case org.apache.kafka.connect.data.Date.LOGICAL_NAME ->
                    v -> LocalDate.ofEpochDay(Math.floorDiv(((java.util.Date) v).getTime(), 86_400_000L));
            case org.apache.kafka.connect.data.Time.LOGICAL_NAME -> v -> Duration.ofMillis(((java.util.Date) v).getTime());
            case org.apache.kafka.connect.data.Timestamp.LOGICAL_NAME ->
                    v -> TemporalValues.wallClock(((java.util.Date) v).getTime(), 1_000L);
            case Decimal.LOGICAL_NAME -> forDecimal(field);
            default -> null;
        };
    }

    private static ValueConverter forDecimal(Field field) {
        Schema schema = field.schema();
        String sourceType = sourceType(schema);
        if (sourceType == null && "0".equals(schema.parameters().get(Decimal.SCALE_FIELD))
                && "20".equals(schema.parameters().get("connect.decimal.precision"))) {
            // BIGINT UNSIGNED (precise mode) and DECIMAL(20,0) share this schema; only the source type tells them apart.
            throw new IllegalStateException("column '" + field.name() + "' may be BIGINT UNSIGNED or DECIMAL(20,0) but the"
                    + " change record does not say which: a cdc-runner bug (it has the engine add each column's source"
                    + " type, column.propagate.source.type); please report it with the table's definition");
        }
        if (isBigIntUnsigned(sourceType)) {
            return v -> ((BigDecimal) v).toBigIntegerExact();
        }
        return v -> v;
    }

    private static ValueConverter forPlainType(Field field) {
        Schema schema = field.schema();
        return switch (schema.type()) {
            case INT8, INT16, INT32, FLOAT32, BOOLEAN, STRING -> v -> v;
            // bigint.unsigned.handling.mode=long hands over the raw 64 bits; read them as unsigned.
            case INT64 -> isBigIntUnsigned(sourceType(schema))
                    ? v -> new BigInteger(Long.toUnsignedString((Long) v))
                    : v -> v;
            // FLOAT(M,D) is a 4-byte float that Debezium widens to a double: narrowing it back is exact.
            case FLOAT64 -> isFloatWithScale(schema) ? v -> ((Double) v).floatValue() : v -> v;
            case BYTES -> ValueConverters::bytes;
            default -> throw new IllegalArgumentException("column '" + field.name() + "' has a type cdc-runner cannot map ("
                    + describe(schema) + "): leave it out with debezium.column.exclude.list=database.table.column");
        };
    }

    private static String describe(Schema schema) {
        String sourceType = sourceType(schema);
        return (sourceType != null ? sourceType + ", " : "") + schema.type()
                + (schema.name() != null ? " " + schema.name() : "");
    }

    private static String sourceType(Schema schema) {
        return schema.parameters() == null ? null : schema.parameters().get(SOURCE_TYPE);
    }

    private static boolean isBigIntUnsigned(String sourceType) {
        if (sourceType == null) {
            return false;
        }
        String type = sourceType.toUpperCase(Locale.ROOT);
        // SERIAL is an alias of BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE.
        return type.equals("SERIAL")
                || (type.startsWith("BIGINT") || type.startsWith("INT8")) && type.contains("UNSIGNED");
    }

    private static boolean isFloatWithScale(Schema schema) {
        String sourceType = sourceType(schema);
        return sourceType != null && sourceType.toUpperCase(Locale.ROOT).startsWith("FLOAT")
                && schema.parameters().containsKey(SOURCE_SCALE);
    }

    /** A spatial value: Debezium leaves the SRID out (null) when it is 0, the server's "none". */
    private static Geometry geometry(Object value) {
        Struct struct = (Struct) value;
        Integer srid = struct.getInt32("srid");
        return Geometry.of(srid == null ? 0 : srid, bytes(struct.get("wkb")));
    }

    /** A SET value: Debezium writes the labels comma-separated in definition order (labels cannot hold commas). */
    private static Set<String> labels(Object value) {
        String text = (String) value;
        if (text.isEmpty()) {
            return Set.of();
        }
        Set<String> labels = new LinkedHashSet<>();
        int start = 0;
        for (int comma = text.indexOf(','); comma >= 0; comma = text.indexOf(',', start)) {
            labels.add(text.substring(start, comma));
            start = comma + 1;
        }
        labels.add(text.substring(start));
        return Collections.unmodifiableSet(labels);
    }

    /**
     * The bytes of a BYTES value. A buffer that wraps a whole array hands over that array without copying: the row
     * shares it with the record ({@link io.cdcrunner.processor.Row#adopt}), and its readers get copies.
     */
    private static byte[] bytes(Object value) {
        if (value instanceof byte[] array) {
            return array;
        }
        ByteBuffer buffer = (ByteBuffer) value;
        if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.position() == 0
                && buffer.remaining() == buffer.array().length) {
            return buffer.array();
        }
        byte[] copy = new byte[buffer.remaining()];
        buffer.duplicate().get(copy);
        return copy;
    }
}
