package io.cdcrunner.debezium;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.connect.data.SchemaBuilder;

import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;

/**
 * MariaDB's UUID columns, converted by cdc-runner instead of the engine. The binlog carries a UUID as 16 bytes with
 * trailing zero bytes left out (as for any fixed-length binary value); the engine's own converter reads the
 * shortened array as a smaller number, so {@code 123e4567-e89b-12d3-a456-426655440000} would arrive as
 * {@code 0000123e-4567-e89b-12d3-a45642665544}. Here the bytes are padded back to 16 first. Values are handed on
 * as the canonical text under the schema name {@link #SCHEMA_NAME}; {@code io.cdcrunner.mapping.ValueConverters} makes a {@link UUID}.
 */
public final class UuidColumnConverter implements CustomConverter<SchemaBuilder, RelationalColumn> {

    public static final String SCHEMA_NAME = "io.cdcrunner.Uuid";

    @Override
    public void configure(Properties properties) {
        // Nothing to configure.
    }

    @Override
    public void converterFor(RelationalColumn column, ConverterRegistration<SchemaBuilder> registration) {
        if (!"UUID".equals(column.typeName().toUpperCase(Locale.ROOT))) {
            return;
        }
        SchemaBuilder schema = SchemaBuilder.string().name(SCHEMA_NAME);
        if (column.isOptional()) {
            schema.optional();
        }
        registration.register(schema, UuidColumnConverter::toText);
    }

    static String toText(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            if (bytes.length > 16) {
                throw new IllegalArgumentException("a UUID value of " + bytes.length + " bytes");
            }
            ByteBuffer padded = ByteBuffer.wrap(java.util.Arrays.copyOf(bytes, 16));
            return new UUID(padded.getLong(), padded.getLong()).toString();
        }
        // A snapshot reads the column with SELECT: the driver returns the text (or a UUID).
        return UUID.fromString(value.toString()).toString();
    }
}
