package io.cdcrunner.processor.builtin;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Year;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;

import io.cdcrunner.processor.Geometry;
import io.cdcrunner.processor.ValueType;

/**
 * Values of every {@link ValueType}, edge values included, each with the JSON text {@link ChangeEventJson} must
 * write for it. The switch has no default branch: a value type added to the model does not compile here until it
 * has samples, so the tests that walk these cannot miss it.
 */
final class ValueSamples {

    /** A value and the JSON text it must be written as. */
    record Sample(Object value, String json) {
    }

    /** The WKB of {@code LINESTRING(0 0, 1 1)}: little-endian, type 2, 2 points, 4 doubles. */
    private static final String LINESTRING = "01" + "02000000" + "02000000" + "0000000000000000" + "0000000000000000"
            + "000000000000f03f" + "000000000000f03f";

    private ValueSamples() {
    }

    static List<Sample> of(ValueType type) {
        return switch (type) {
            case SHORT -> List.of(new Sample((short) -128, "-128"), new Sample(Short.MAX_VALUE, "32767"));
            case INT -> List.of(new Sample(Integer.MIN_VALUE, "-2147483648"), new Sample(16_777_215, "16777215"));
            case LONG -> List.of(new Sample(Long.MIN_VALUE, "-9223372036854775808"),
                    new Sample(4_294_967_295L, "4294967295"));
            case BIG_INTEGER -> List.of(new Sample(new BigInteger("18446744073709551615"), "18446744073709551615"),
                    new Sample(BigInteger.ZERO, "0"));
            case DECIMAL -> List.of(
                    new Sample(new BigDecimal("-12345678901234567890123456789012345.678901234567890123456789012345"),
                            "\"-12345678901234567890123456789012345.678901234567890123456789012345\""),
                    new Sample(new BigDecimal("12.50"), "\"12.50\""),
                    new Sample(new BigDecimal("0.000000000000000000000000000001"),
                            "\"0.000000000000000000000000000001\""),
                    new Sample(new BigDecimal("1.20E+3"), "\"1200\""));
            case FLOAT -> List.of(new Sample(0.1f, "0.1"), new Sample(-Float.MAX_VALUE, "-3.4028235E38"),
                    new Sample(-999.9999f, "-999.9999"), new Sample(-0.0f, "-0.0"),
                    new Sample(Float.NaN, "\"NaN\""), new Sample(Float.NEGATIVE_INFINITY, "\"-Infinity\""));
            case DOUBLE -> List.of(new Sample(0.1d, "0.1"), new Sample(Double.MAX_VALUE, "1.7976931348623157E308"),
                    new Sample(-2.2250738585072014E-308, "-2.2250738585072014E-308"),
                    new Sample(Double.POSITIVE_INFINITY, "\"Infinity\""));
            case STRING -> List.of(new Sample("Zoë ✓ 😀𝄞 \"quoted\" \\ \n\u0000", "\"Zoë ✓ 😀𝄞 \\\"quoted\\\" \\\\ \\n\\u0000\""),
                    new Sample("", "\"\""), new Sample("{\"a\": [1, 2.50]}", "\"{\\\"a\\\": [1, 2.50]}\""));
            case BYTES -> List.of(new Sample(new byte[] {0, 1, -1, 127}, "\"AAH/fw==\""), new Sample(new byte[0], "\"\""));
            case BOOLEAN -> List.of(new Sample(true, "true"), new Sample(false, "false"));
            case DATE -> List.of(new Sample(LocalDate.of(2024, 2, 29), "\"2024-02-29\""),
                    new Sample(LocalDate.of(50, 3, 4), "\"0050-03-04\""), new Sample(LocalDate.EPOCH, "\"1970-01-01\""));
            case TIME -> List.of(new Sample(Duration.ofHours(-838).minusMinutes(59).minusSeconds(59), "\"PT-838H-59M-59S\""),
                    new Sample(Duration.ofHours(123).plusMinutes(45).plusSeconds(56).plusNanos(789_012_000),
                            "\"PT123H45M56.789012S\""),
                    new Sample(Duration.ofMillis(-500), "\"PT-0.5S\""), new Sample(Duration.ZERO, "\"PT0S\""));
            case DATETIME -> List.of(
                    new Sample(LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000), "\"9999-12-31T23:59:59.999999\""),
                    new Sample(LocalDateTime.of(2026, 2, 28, 23, 0), "\"2026-02-28T23:00:00\""),
                    new Sample(LocalDateTime.of(1, 1, 1, 0, 0, 0, 1_000), "\"0001-01-01T00:00:00.000001\""));
            case TIMESTAMP -> List.of(
                    new Sample(Instant.parse("2038-01-19T03:14:07.999999Z"), "\"2038-01-19T03:14:07.999999Z\""),
                    new Sample(Instant.EPOCH, "\"1970-01-01T00:00:00Z\""),
                    new Sample(Instant.ofEpochSecond(1, 500_000_000), "\"1970-01-01T00:00:01.500Z\""));
            case YEAR -> List.of(new Sample(Year.of(2155), "\"2155\""), new Sample(Year.of(1901), "\"1901\""),
                    new Sample(Year.of(0), "\"0000\""));
            case SET -> List.of(new Sample(new LinkedHashSet<>(List.of("red", "blue")), "[\"red\",\"blue\"]"),
                    new Sample(java.util.Set.of(), "[]"));
            case UUID -> List.of(new Sample(UUID.fromString("123E4567-E89B-12D3-A456-426655440000"),
                    "\"123e4567-e89b-12d3-a456-426655440000\""));
            case GEOMETRY -> List.of(
                    new Sample(Geometry.of(4326, HexFormat.of().parseHex("0101000000cdcccccccccc2a400000000000404a40")),
                            "{\"srid\":4326,\"wkb\":\"0101000000cdcccccccccc2a400000000000404a40\"}"),
                    new Sample(Geometry.of(0, HexFormat.of().parseHex(LINESTRING)),
                            "{\"srid\":0,\"wkb\":\"" + LINESTRING + "\"}"));
            case BITS -> List.of(new Sample(bits(0, 1, 9), "\"1000000011\""), new Sample(bits(0, 2, 63),
                    "\"1" + "0".repeat(60) + "101\""), new Sample(new BitSet(), "\"0\""));
        };
    }

    private static BitSet bits(int... indexes) {
        BitSet bits = new BitSet();
        for (int index : indexes) {
            bits.set(index);
        }
        return bits;
    }
}
