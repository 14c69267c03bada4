package io.cdcrunner.debezium;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;

import org.apache.kafka.connect.data.SchemaBuilder;

import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;

/**
 * MariaDB's {@code INET4} and {@code INET6} columns, delivered as the address text the server shows
 * ({@code 192.0.2.1}, {@code 2001:db8::1}, {@code ::ffff:192.0.2.1}). The binlog carries the 4 or 16 bytes with
 * trailing zero bytes left out (as for any fixed-length binary value); they are padded back and written the way
 * MariaDB writes them. A snapshot reads the column with SELECT and gets the server's text already.
 */
public final class InetColumnConverter implements CustomConverter<SchemaBuilder, RelationalColumn> {

    @Override
    public void configure(Properties properties) {
        // Nothing to configure.
    }

    @Override
    public void converterFor(RelationalColumn column, ConverterRegistration<SchemaBuilder> registration) {
        String type = column.typeName().toUpperCase(Locale.ROOT);
        int width = switch (type) {
            case "INET4" -> 4;
            case "INET6" -> 16;
            default -> 0;
        };
        if (width == 0) {
            return;
        }
        SchemaBuilder schema = SchemaBuilder.string();
        if (column.isOptional()) {
            schema.optional();
        }
        registration.register(schema, value -> toText(value, width));
    }

    static String toText(Object value, int width) {
        if (value == null) {
            return null;
        }
        byte[] bytes;
        if (value instanceof byte[] array) {
            bytes = array;
        } else if (value instanceof ByteBuffer buffer) {
            bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
        } else {
            // A snapshot's SELECT gives the server's text, and a column default comes as the definition's text.
            return value.toString();
        }
        if (bytes.length > width) {
            // Longer than the stored form, so not the stored bytes: text.
            return new String(bytes, StandardCharsets.US_ASCII);
        }
        byte[] address = Arrays.copyOf(bytes, width);
        return width == 4 ? ipv4(address, 0) : ipv6(address);
    }

    private static String ipv4(byte[] address, int from) {
        return (address[from] & 0xFF) + "." + (address[from + 1] & 0xFF) + "." + (address[from + 2] & 0xFF) + "."
                + (address[from + 3] & 0xFF);
    }

    /**
     * As MariaDB's {@code Inet6::to_string}: lower-case groups without leading zeros, the first longest run of zero
     * groups (even a single one) written as {@code ::}, and IPv4-compatible ({@code ::a.b.c.d}) and IPv4-mapped
     * ({@code ::ffff:a.b.c.d}) addresses in mixed notation.
     */
    private static String ipv6(byte[] address) {
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = (address[2 * i] & 0xFF) << 8 | address[2 * i + 1] & 0xFF;
        }
        int gapStart = -1;
        int gapLength = 0;
        for (int i = 0; i < 8; ) {
            if (words[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && words[i] == 0) {
                i++;
            }
            if (i - start > gapLength) {
                gapStart = start;
                gapLength = i - start;
            }
        }
        if (gapStart == 0 && (gapLength == 6 || gapLength == 5 && words[5] == 0xFFFF)) {
            return (gapLength == 6 ? "::" : "::ffff:") + ipv4(address, 12);
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == gapStart) {
                text.append(i == 0 ? "::" : ":");
                i += gapLength - 1;
            } else {
                text.append(Integer.toHexString(words[i]));
                if (i < 7) {
                    text.append(':');
                }
            }
        }
        return text.toString();
    }
}
