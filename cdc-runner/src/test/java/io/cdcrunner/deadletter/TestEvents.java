package io.cdcrunner.deadletter;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Year;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.Row;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.processor.SourcePosition;
import io.cdcrunner.testkit.ChangeEventBuilder;

/** Change events for the dead-letter tests: one holding every value type, and random ones. */
final class TestEvents {

    private TestEvents() {
    }

    /** An insert of {@code id} into {@code shop.items} at binlog position {@code 100 * id}. */
    static ChangeEvent insert(int id) {
        return ChangeEventBuilder.insert().table("shop", "items").key("id", id)
                .after(Map.of("id", id, "name", "item " + id)).at(100L * id).gtidTransaction("0-1-" + id)
                .committedAt(Instant.parse("2026-01-02T10:00:00Z")).build();
    }

    /** An update whose rows hold a value of every type a Row can hold, edge values included. */
    static ChangeEvent everyType() {
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("tiny", (short) -128);
        after.put("small", Short.MAX_VALUE);
        after.put("int", Integer.MIN_VALUE);
        after.put("bigint", Long.MAX_VALUE);
        after.put("unsigned", new BigInteger("18446744073709551615"));
        after.put("price", new BigDecimal("12.50"));
        after.put("tiny_decimal", new BigDecimal("0.0000001"));
        after.put("negative_scale", new BigDecimal("1E+3"));
        after.put("float", 16777216f);
        after.put("float_nan", Float.NaN);
        after.put("float_inf", Float.NEGATIVE_INFINITY);
        after.put("float_min", Float.MIN_VALUE);
        after.put("double", 0.1);
        after.put("double_neg_zero", -0.0);
        after.put("double_inf", Double.POSITIVE_INFINITY);
        after.put("double_nan", Double.NaN);
        after.put("text", "naïve 😀 \u0000 \n line \"quoted\" \\ 中文");
        after.put("empty_text", "");
        after.put("blob", new byte[] {0, -1, 127, -128, 10, 13});
        after.put("empty_blob", new byte[0]);
        after.put("flag", Boolean.TRUE);
        after.put("date", LocalDate.of(1, 1, 1));
        after.put("epoch_date", LocalDate.EPOCH);
        after.put("time", Duration.ofHours(-838).minusMinutes(59).minusSeconds(59));
        after.put("time_fraction", Duration.ofSeconds(-1, 500_000));
        after.put("time_long", Duration.ofHours(838).plusNanos(999_999_000));
        after.put("datetime", LocalDateTime.of(2026, 1, 2, 10, 0));
        after.put("datetime_micros", LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000));
        after.put("timestamp", Instant.parse("2038-01-19T03:14:07.123456Z"));
        after.put("timestamp_nanos", Instant.ofEpochSecond(1, 123_456_789));
        after.put("zero_timestamp", Instant.EPOCH);
        after.put("year", Year.of(2026));
        after.put("zero_year", Year.of(0));
        after.put("set", orderedSet("b", "a", "c"));
        after.put("empty_set", Set.of());
        after.put("bits", bits(0, 1, 9));
        after.put("no_bits", new BitSet());
        after.put("uuid", java.util.UUID.fromString("123e4567-e89b-12d3-a456-426655440000"));
        after.put("point", io.cdcrunner.processor.Geometry.of(4326, java.util.HexFormat.of()
                .parseHex("0101000000cdcccccccccc2a400000000000404a40")));
        after.put("no_srid", io.cdcrunner.processor.Geometry.of(0, new byte[] {1, 2}));
        after.put("null", null);
        Map<String, Object> before = new LinkedHashMap<>(after);
        before.put("text", null);
        before.put("flag", Boolean.FALSE);
        return ChangeEventBuilder.of(Operation.UPDATE).table("shop", "everything")
                .key("unsigned", new BigInteger("18446744073709551615")).before(before).after(after)
                .flavor(ServerFlavor.MYSQL).serverId(4294967295L).at("mysql-bin.000042", 4_000_000_000L).row(3)
                .gtidTransaction("3E11FA47-71CA-11E1-9E33-C80AA9429562:23")
                .committedAt(Instant.parse("2026-01-02T10:00:00Z")).build();
    }

    /** A random event: random operation, position, optional fields and row values of random types. */
    static ChangeEvent random(Random random) {
        Operation operation = Operation.values()[random.nextInt(3)];
        Row row = randomRow(random);
        boolean snapshot = random.nextInt(5) == 0;
        SourcePosition position = new SourcePosition(random.nextBoolean() ? ServerFlavor.MARIADB : ServerFlavor.MYSQL,
                random.nextLong() & 0xffffffffL, "binlog." + random.nextInt(1_000_000), random.nextLong() & Long.MAX_VALUE,
                random.nextInt(1000), random.nextBoolean() ? null : "0-1-" + random.nextInt(), snapshot);
        Instant commitTime = random.nextBoolean() ? null : Instant.ofEpochSecond(random.nextInt(Integer.MAX_VALUE));
        String transactionId = random.nextBoolean() ? null : randomString(random);
        Row key = Row.of(Map.of("id", random.nextInt()));
        return ChangeEventBuilder.of(operation).table("db_" + random.nextInt(10), "t_" + random.nextInt(10)).key(key)
                .before(operation == Operation.INSERT ? null : row)
                .after(operation == Operation.DELETE ? null : randomRow(random))
                .position(position).committedAt(commitTime).transaction(transactionId).build();
    }

    private static final List<Function<Random, Object>> VALUES = List.of(
            r -> (short) r.nextInt(),
            r -> r.nextInt(),
            r -> r.nextLong(),
            r -> new BigInteger(64, r),
            r -> new BigDecimal(new BigInteger(70, r), r.nextInt(31) - 1).negate(),
            r -> r.nextInt(20) == 0 ? Float.NaN : Float.intBitsToFloat(r.nextInt()),
            r -> r.nextInt(20) == 0 ? Double.NEGATIVE_INFINITY : Double.longBitsToDouble(r.nextLong()),
            TestEvents::randomString,
            r -> {
                byte[] bytes = new byte[r.nextInt(40)];
                r.nextBytes(bytes);
                return bytes;
            },
            Random::nextBoolean,
            r -> new java.util.UUID(r.nextLong(), r.nextLong()),
            r -> {
                byte[] wkb = new byte[r.nextInt(60)];
                r.nextBytes(wkb);
                return io.cdcrunner.processor.Geometry.of(r.nextInt(), wkb);
            },
            r -> LocalDate.ofEpochDay(r.nextInt(2_900_000) - 719_162),
            r -> Duration.ofNanos((r.nextLong() % 3_020_399_000_000L) * 1000),
            r -> LocalDateTime.of(LocalDate.ofEpochDay(r.nextInt(2_900_000) - 719_162),
                    java.time.LocalTime.ofNanoOfDay(Math.floorMod(r.nextLong(), 86_400_000_000L) * 1000)),
            r -> Instant.ofEpochSecond(r.nextInt(Integer.MAX_VALUE), r.nextInt(1_000_000_000)),
            r -> Year.of(r.nextInt(10_000)),
            r -> {
                Set<String> labels = new LinkedHashSet<>();
                for (int i = r.nextInt(5); i > 0; i--) {
                    labels.add("label" + r.nextInt(64));
                }
                return Collections.unmodifiableSet(labels);
            },
            r -> BitSet.valueOf(new long[] {r.nextLong()}),
            r -> null);

    private static Row randomRow(Random random) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = random.nextInt(12); i > 0; i--) {
            values.put("c" + random.nextInt(1000), VALUES.get(random.nextInt(VALUES.size())).apply(random));
        }
        return Row.of(values);
    }

    /** Letters from all of Unicode's planes (4-byte UTF-8 ones included), control characters too. */
    static String randomString(Random random) {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(20); i > 0; i--) {
            int codePoint = switch (random.nextInt(4)) {
                case 0 -> random.nextInt(0x80);
                case 1 -> 0x80 + random.nextInt(0xD800 - 0x80);
                case 2 -> 0x10000 + random.nextInt(0x10FFFF - 0x10000);
                default -> 0xE000 + random.nextInt(0xFFFE - 0xE000);
            };
            text.appendCodePoint(codePoint);
        }
        return text.toString();
    }

    static Set<String> orderedSet(String... labels) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(List.of(labels)));
    }

    static BitSet bits(int... indexes) {
        BitSet bits = new BitSet();
        for (int index : indexes) {
            bits.set(index);
        }
        return bits;
    }
}
