package io.cdcrunner.binlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Year;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.Row;

/** A table with one column per MariaDB type, four rows (minimum, maximum, typical, all NULL) and their expected Rows. */
public final class AllTypesTable {

    private AllTypesTable() {
    }

    public static String create(String database) {
        return "CREATE TABLE " + database + ".all_types ("
                + " id INT PRIMARY KEY,"
                + " c_tinyint TINYINT, c_tinyint_u TINYINT UNSIGNED, c_tinyint1 TINYINT(1),"
                + " c_smallint SMALLINT, c_smallint_u SMALLINT UNSIGNED,"
                + " c_mediumint MEDIUMINT, c_mediumint_u MEDIUMINT UNSIGNED,"
                + " c_int INT, c_int_u INT UNSIGNED, c_bigint BIGINT, c_bigint_u BIGINT UNSIGNED,"
                + " c_decimal DECIMAL(65,30), c_decimal20 DECIMAL(20,0),"
                + " c_float FLOAT, c_float_md FLOAT(7,4), c_double DOUBLE,"
                + " c_char CHAR(10), c_varchar VARCHAR(100), c_text TEXT,"
                + " c_binary BINARY(4), c_varbinary VARBINARY(16), c_blob BLOB,"
                + " c_date DATE, c_time TIME(6), c_datetime DATETIME(6), c_timestamp TIMESTAMP(6) NULL,"
                + " c_year YEAR, c_json JSON, c_enum ENUM('small','medium','large'),"
                + " c_set SET('red','green','blue'), c_bit1 BIT(1), c_bit10 BIT(10),"
                + " c_defaulted INT NULL DEFAULT 42"
                + ") CHARACTER SET utf8mb4";
    }

    /** The inserts, in one session whose time zone is +02:00. */
    public static String[] inserts(String database) {
        String insert = "INSERT INTO " + database + ".all_types VALUES ";
        return new String[] {
                // The session zone decides which instant a TIMESTAMP literal means; the server stores UTC.
                "SET time_zone = '+02:00'",
                insert + "(1, -128, 0, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0,"
                        + " '-12345678901234567890123456789012345.678901234567890123456789012345', -99999999999999999999,"
                        + " -3.4028234663852886E38, -999.9999, -1.7976931348623157E308,"
                        + " 'a', '😀𝄞', 'emoji 😀 clef 𝄞 ok', x'00FF0000', x'', x'00',"
                        + " '1000-01-01', '-838:59:59.000000', '1000-01-01 00:00:00.000000',"
                        + " '1970-01-01 02:00:01.000000', 1901, '[]', 'small', '', b'0', b'0000000000', 7)",
                insert + "(2, 127, 255, 1, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295,"
                        + " 9223372036854775807, 18446744073709551615,"
                        + " '99999999999999999999999999999999999.999999999999999999999999999999', 99999999999999999999,"
                        + " 3.4028234663852886E38, 999.9999, 1.7976931348623157E308,"
                        + " 'abcdefghij', 'plain', '', x'FF00FF00', x'00FF00FF00', x'" + HexFormat.of().formatHex(allBytes()) + "',"
                        + " '9999-12-31', '838:59:59.000000', '9999-12-31 23:59:59.999999',"
                        + " '2038-01-19 05:14:07.999999', 2155, '{\"a\": [1, 2.50, \"😀\"], \"b\": null}', 'large',"
                        + " 'red,green,blue', b'1', b'1111111111', -1)",
                // Trailing spaces: CHAR loses them (as in a SELECT), VARCHAR keeps them.
                "INSERT INTO " + database + ".all_types (id, c_decimal, c_float, c_double, c_char, c_varchar, c_time,"
                        + " c_datetime, c_timestamp, c_year, c_set, c_bit10, c_enum, c_binary, c_tinyint1)"
                        + " VALUES (3, '0.000000000000000000000000000001', 0.1, 0.1, 'pad  ', 'pad  ', '123:45:56.789012',"
                        + " '2024-02-29 23:59:59.999999', '2024-02-29 23:59:59.999999', 2024, 'blue,red', b'1000000011',"
                        + " 'medium', x'01', 2)",
                insert + "(4" + ", NULL".repeat(33) + ")"
        };
    }

    /** Asserts that {@code events} are the inserts of the four rows into a MariaDB table, with every value exact. */
    public static void assertRows(List<ChangeEvent> events) {
        assertRows(events, Flavor.MARIADB);
    }

    /** Asserts that {@code events} are the inserts of the four rows into a {@code flavor} table, every value exact. */
    public static void assertRows(List<ChangeEvent> events, Flavor flavor) {
        assertRows(events, minimumRow(), maximumRow(flavor));
    }

    /** The four rows the inserts write, ids 1 to 4, as the binlog delivers them: column to documented Java value. */
    public static List<Map<String, Object>> expectedRows(Flavor flavor) {
        return List.of(minimumRow(), maximumRow(flavor), typicalRow(), nullRow());
    }

    /**
     * The JSON document of the maximum row as delivered: MariaDB's JSON is LONGTEXT and keeps the text as written;
     * MySQL stores a binary document (2.50 becomes the double 2.5) that arrives as compact text.
     */
    public static String maximumJson(Flavor flavor) {
        return flavor == Flavor.MYSQL ? "{\"a\":[1,2.5,\"😀\"],\"b\":null}" : "{\"a\": [1, 2.50, \"😀\"], \"b\": null}";
    }

    /**
     * As {@link #assertRows(List)} for rows read by a snapshot. It reads them with SELECT, and the server renders a
     * FLOAT as text with 6 significant digits: the extreme floats come back rounded (a server limit, not the
     * mapping's; the binlog carries the 4 stored bytes).
     */
    static void assertSnapshotRows(List<ChangeEvent> events, Flavor flavor) {
        Map<String, Object> minimum = minimumRow();
        minimum.put("c_float", -3.40282E38f);
        Map<String, Object> maximum = maximumRow(flavor);
        if (flavor == Flavor.MYSQL) {
            // The snapshot's SELECT renders MySQL's binary JSON with the server's spacing; the binlog gives compact
            // text. The same document, as two different strings.
            maximum.put("c_json", "{\"a\": [1, 2.5, \"😀\"], \"b\": null}");
        }
        maximum.put("c_float", 3.40282E38f);
        assertRows(events, minimum, maximum);
    }

    private static void assertRows(List<ChangeEvent> events, Map<String, Object> minimum, Map<String, Object> maximum) {
        assertThat(events).hasSize(4);
        for (ChangeEvent event : events) {
            assertThat(event.operation()).isEqualTo(Operation.INSERT);
            assertThat(event.table()).isEqualTo("all_types");
            assertThat(event.before().isEmpty()).isTrue();
        }
        assertThat(events.get(0).key()).isEqualTo(Row.of(Map.of("id", 1)));
        ExactRows.assertExactly(events.get(0).after(), minimum);
        ExactRows.assertExactly(events.get(1).after(), maximum);
        ExactRows.assertExactly(events.get(2).after(), typicalRow());
        ExactRows.assertExactly(events.get(3).after(), nullRow());
        assertThat(labels(events.get(2).after())).containsExactly("red", "blue");
        assertThat(labels(events.get(1).after())).containsExactly("red", "green", "blue");
        assertThatThrownBy(() -> events.get(1).after().get("c_set", Set.class).clear())
                .isInstanceOf(UnsupportedOperationException.class);
    }

    private static byte[] allBytes() {
        byte[] allBytes = new byte[256];
        for (int i = 0; i < allBytes.length; i++) {
            allBytes[i] = (byte) i;
        }
        return allBytes;
    }

    /** SET labels in definition order, the order the row holds them in. */
    private static Set<String> labels(String... labels) {
        return new LinkedHashSet<>(List.of(labels));
    }

    private static List<Object> labels(Row row) {
        return new ArrayList<Object>((Set<?>) row.get("c_set"));
    }

    private static Map<String, Object> minimumRow() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", 1);
        row.put("c_tinyint", (short) -128);
        row.put("c_tinyint_u", (short) 0);
        row.put("c_tinyint1", (short) 0);
        row.put("c_smallint", (short) -32768);
        row.put("c_smallint_u", 0);
        row.put("c_mediumint", -8388608);
        row.put("c_mediumint_u", 0);
        row.put("c_int", Integer.MIN_VALUE);
        row.put("c_int_u", 0L);
        row.put("c_bigint", Long.MIN_VALUE);
        row.put("c_bigint_u", BigInteger.ZERO);
        row.put("c_decimal", new BigDecimal("-12345678901234567890123456789012345.678901234567890123456789012345"));
        row.put("c_decimal20", new BigDecimal("-99999999999999999999"));
        row.put("c_float", -Float.MAX_VALUE);
        row.put("c_float_md", -999.9999f);
        row.put("c_double", -Double.MAX_VALUE);
        row.put("c_char", "a");
        row.put("c_varchar", "😀𝄞");
        row.put("c_text", "emoji 😀 clef 𝄞 ok");
        row.put("c_binary", new byte[] {0x00, (byte) 0xFF, 0x00, 0x00});
        row.put("c_varbinary", new byte[0]);
        row.put("c_blob", new byte[] {0x00});
        row.put("c_date", LocalDate.of(1000, 1, 1));
        row.put("c_time", Duration.ofHours(-838).minusMinutes(59).minusSeconds(59));
        row.put("c_datetime", LocalDateTime.of(1000, 1, 1, 0, 0));
        row.put("c_timestamp", Instant.parse("1970-01-01T00:00:01Z"));
        row.put("c_year", Year.of(1901));
        row.put("c_json", "[]");
        row.put("c_enum", "small");
        row.put("c_set", Set.of());
        row.put("c_bit1", false);
        row.put("c_bit10", new BitSet());
        row.put("c_defaulted", 7);
        return row;
    }

    private static Map<String, Object> maximumRow(Flavor flavor) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", 2);
        row.put("c_tinyint", (short) 127);
        row.put("c_tinyint_u", (short) 255);
        row.put("c_tinyint1", (short) 1);
        row.put("c_smallint", (short) 32767);
        row.put("c_smallint_u", 65535);
        row.put("c_mediumint", 8388607);
        row.put("c_mediumint_u", 16777215);
        row.put("c_int", Integer.MAX_VALUE);
        row.put("c_int_u", 4294967295L);
        row.put("c_bigint", Long.MAX_VALUE);
        row.put("c_bigint_u", new BigInteger("18446744073709551615"));
        row.put("c_decimal", new BigDecimal("99999999999999999999999999999999999.999999999999999999999999999999"));
        row.put("c_decimal20", new BigDecimal("99999999999999999999"));
        row.put("c_float", Float.MAX_VALUE);
        row.put("c_float_md", 999.9999f);
        row.put("c_double", Double.MAX_VALUE);
        row.put("c_char", "abcdefghij");
        row.put("c_varchar", "plain");
        row.put("c_text", "");
        row.put("c_binary", new byte[] {(byte) 0xFF, 0x00, (byte) 0xFF, 0x00});
        row.put("c_varbinary", new byte[] {0x00, (byte) 0xFF, 0x00, (byte) 0xFF, 0x00});
        row.put("c_blob", allBytes());
        row.put("c_date", LocalDate.of(9999, 12, 31));
        row.put("c_time", Duration.ofHours(838).plusMinutes(59).plusSeconds(59));
        row.put("c_datetime", LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000));
        row.put("c_timestamp", Instant.parse("2038-01-19T03:14:07.999999Z"));
        row.put("c_year", Year.of(2155));
        row.put("c_json", maximumJson(flavor));
        row.put("c_enum", "large");
        row.put("c_set", labels("red", "green", "blue"));
        row.put("c_bit1", true);
        BitSet allTen = new BitSet();
        allTen.set(0, 10);
        row.put("c_bit10", allTen);
        row.put("c_defaulted", -1);
        return row;
    }

    private static Map<String, Object> typicalRow() {
        Map<String, Object> row = nullRow();
        row.put("id", 3);
        row.put("c_tinyint1", (short) 2);
        row.put("c_char", "pad");
        row.put("c_varchar", "pad  ");
        row.put("c_decimal", new BigDecimal("0.000000000000000000000000000001"));
        row.put("c_float", 0.1f);
        row.put("c_double", 0.1d);
        row.put("c_binary", new byte[] {0x01, 0x00, 0x00, 0x00});
        row.put("c_time", Duration.ofHours(123).plusMinutes(45).plusSeconds(56).plusNanos(789_012_000));
        row.put("c_datetime", LocalDateTime.of(2024, 2, 29, 23, 59, 59, 999_999_000));
        row.put("c_timestamp", Instant.parse("2024-02-29T21:59:59.999999Z"));
        row.put("c_year", Year.of(2024));
        row.put("c_enum", "medium");
        row.put("c_set", labels("red", "blue"));
        BitSet bits = new BitSet();
        bits.set(0);
        bits.set(1);
        bits.set(9);
        row.put("c_bit10", bits);
        // Omitted, so the column default applies.
        row.put("c_defaulted", 42);
        return row;
    }

    private static Map<String, Object> nullRow() {
        Map<String, Object> row = new LinkedHashMap<>();
        for (String column : minimumRow().keySet()) {
            row.put(column, null);
        }
        row.put("id", 4);
        return row;
    }

}
