package io.cdcrunner.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.BitSet;
import java.util.Set;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Test;

import io.debezium.data.Bits;
import io.debezium.data.EnumSet;
import io.debezium.time.MicroTime;
import io.debezium.time.MicroTimestamp;
import io.debezium.time.NanoTimestamp;
import io.debezium.time.ZonedTimestamp;

import io.cdcrunner.testkit.UnitTest;

/** Conversions whose edge cases a database round trip reaches only partly: byte order, signs, settings. */
@UnitTest
class ValueConvertersTest {

    @Test
    void bitsAreLittleEndianSoBitIIsTheValuesBitI() {
        // b'1000000011' = 515: Debezium sends {0x03, 0x02}, least significant byte first.
        BitSet bits = (BitSet) convert(Bits.builder(10).build(), new byte[] {0x03, 0x02});

        assertThat(bits.stream()).containsExactly(0, 1, 9);
    }

    @Test
    void timeOfDayBeyondADayAndNegativeIsADuration() {
        Schema time = MicroTime.builder().build();

        assertThat(convert(time, -3_020_399_000_000L)).isEqualTo(Duration.ofHours(-838).minusMinutes(59).minusSeconds(59));
        assertThat(convert(time, -1L)).isEqualTo(Duration.ofNanos(-1_000));
        assertThat(convert(time, 445_556_789_012L)).isEqualTo(Duration.parse("PT123H45M56.789012S"));
    }

    @Test
    void datetimeBeforeTheEpochKeepsItsFraction() {
        assertThat(convert(MicroTimestamp.builder().build(), -1L))
                .isEqualTo(LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000));
        assertThat(convert(io.debezium.time.Timestamp.builder().build(), -1L))
                .isEqualTo(LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_000_000));
        assertThat(convert(NanoTimestamp.builder().build(), 1_709_251_199_999_999_999L))
                .isEqualTo(LocalDateTime.of(2024, 2, 29, 23, 59, 59, 999_999_999));
        assertThat(convert(io.debezium.time.Date.builder().build(), -1)).isEqualTo(LocalDate.of(1969, 12, 31));
    }

    @Test
    void yearNineteenHundredIsTheZeroYear() {
        Schema year = io.debezium.time.Year.builder().build();

        assertThat(convert(year, 1900)).isEqualTo(java.time.Year.of(0));
        assertThat(convert(year, 1901)).isEqualTo(java.time.Year.of(1901));
        assertThat(convert(year, 0)).isEqualTo(java.time.Year.of(0));
    }

    @Test
    void zonedTimestampIsTheInstantWhateverTheOffset() {
        Schema zoned = ZonedTimestamp.builder().build();

        assertThat(convert(zoned, "2024-02-29T21:59:59.999999Z")).isEqualTo(Instant.parse("2024-02-29T21:59:59.999999Z"));
        assertThat(convert(zoned, "2024-02-29T23:59:59.999999+02:00")).isEqualTo(Instant.parse("2024-02-29T21:59:59.999999Z"));
        for (String text : new String[] {"1970-01-01T00:00:01Z", "2038-01-19T03:14:07.5Z", "2001-09-09T01:46:40.123456789Z",
                "2024-02-29T21:59:59.000100Z"}) {
            assertThat(convert(zoned, text)).as(text).isEqualTo(Instant.parse(text));
        }
        assertThatThrownBy(() -> convert(zoned, "2024-02-30T00:00:00Z")).isInstanceOf(java.time.DateTimeException.class);
    }

    @Test
    void bigintUnsignedIsABigIntegerInPreciseAndLongMode() {
        Schema precise = Decimal.builder(0).parameter("connect.decimal.precision", "20")
                .parameter(ValueConverters.SOURCE_TYPE, "BIGINT UNSIGNED").build();
        Schema longMode = SchemaBuilder.int64().parameter(ValueConverters.SOURCE_TYPE, "BIGINT UNSIGNED ZEROFILL").build();

        assertThat(convert(precise, new BigDecimal("18446744073709551615"))).isEqualTo(new BigInteger("18446744073709551615"));
        assertThat(convert(longMode, -1L)).isEqualTo(new BigInteger("18446744073709551615"));
        assertThat(convert(SchemaBuilder.int64().parameter(ValueConverters.SOURCE_TYPE, "BIGINT").build(), -1L)).isEqualTo(-1L);
    }

    @Test
    void decimalTwentyZeroStaysADecimal() {
        Schema decimal = Decimal.builder(0).parameter("connect.decimal.precision", "20")
                .parameter(ValueConverters.SOURCE_TYPE, "DECIMAL").build();

        assertThat(convert(decimal, new BigDecimal("12345678901234567890"))).isEqualTo(new BigDecimal("12345678901234567890"));
    }

    @Test
    void withoutTheSourceTypeBigintUnsignedAndDecimalTwentyZeroCannotBeToldApart() {
        Schema ambiguous = Decimal.builder(0).parameter("connect.decimal.precision", "20").build();

        assertThatThrownBy(() -> ValueConverters.forField(new Field("amount", 0, ambiguous)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("amount")
                .hasMessageContaining("column.propagate.source.type");
    }

    @Test
    void floatWithScaleIsNarrowedBackToTheStoredFloat() {
        Schema floatMd = SchemaBuilder.float64().parameter(ValueConverters.SOURCE_TYPE, "FLOAT")
                .parameter(ValueConverters.SOURCE_SCALE, "4").build();
        // FLOAT(30) is an 8-byte DOUBLE column: its values must stay doubles.
        Schema float30 = SchemaBuilder.float64().parameter(ValueConverters.SOURCE_TYPE, "FLOAT").build();

        assertThat(convert(floatMd, (double) 1.1f)).isEqualTo(1.1f);
        assertThat(convert(float30, 1.1d)).isEqualTo(1.1d);
    }

    @Test
    void bytesAreReadFromTheBuffersRemainingContent() {
        ByteBuffer slice = ByteBuffer.wrap(new byte[] {9, 0, (byte) 0xFF, 9}, 1, 2).slice();

        assertThat((byte[]) convert(Schema.BYTES_SCHEMA, slice)).containsExactly(0, 0xFF);
        assertThat((byte[]) convert(Schema.BYTES_SCHEMA, ByteBuffer.wrap(new byte[] {1, 2}))).containsExactly(1, 2);
    }

    @Test
    void setLabelsKeepDebeziumsDefinitionOrder() {
        Schema set = EnumSet.builder("red,green,blue").build();

        assertThat(new java.util.ArrayList<Object>((Set<?>) convert(set, "green,blue"))).containsExactly("green", "blue");
        assertThat((Set<?>) convert(set, "")).isEmpty();
    }

    @Test
    void typesWithoutAMappingAreRejectedWithTheirColumnName() {
        Schema array = SchemaBuilder.array(Schema.FLOAT32_SCHEMA).parameter(ValueConverters.SOURCE_TYPE, "VECTOR").build();

        assertThatThrownBy(() -> ValueConverters.forField(new Field("embedding", 0, array)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("embedding")
                .hasMessageContaining("VECTOR")
                .hasMessageContaining("column.exclude.list");
    }

    private static Object convert(Schema schema, Object value) {
        return ValueConverters.forField(new Field("column", 0, schema)).convert(value);
    }
}
