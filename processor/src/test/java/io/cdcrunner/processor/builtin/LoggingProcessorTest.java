package io.cdcrunner.processor.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Year;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.processor.SourcePosition;
import io.cdcrunner.testkit.ChangeEventBuilder;
import io.cdcrunner.testkit.UnitTest;

@UnitTest
class LoggingProcessorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant COMMIT = Instant.parse("2026-01-02T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void writesOneExactLinePerEvent() throws Exception {
        Path file = dir.resolve("events.jsonl");
        try (LoggingProcessor processor = open(file)) {
            processor.process(insert(7, Map.of("id", 7L), 1));
            processor.process(ChangeEventBuilder.of(Operation.DELETE).key("id", 7L).before(Map.of("id", 7L))
                    .flavor(ServerFlavor.MYSQL).serverId(3).at("binlog.000002", 99).row(1).committedAt(COMMIT).build());
        }

        assertThat(Files.readAllLines(file)).containsExactly(
                "{\"op\":\"INSERT\",\"database\":\"shop\",\"table\":\"orders\",\"key\":{\"id\":7},"
                        + "\"after\":{\"id\":7},\"position\":{\"flavor\":\"MARIADB\",\"serverId\":1,"
                        + "\"file\":\"binlog.000001\",\"pos\":1,\"row\":0,\"gtid\":\"0-1-1\"},"
                        + "\"commitTime\":\"2026-01-02T10:00:00Z\",\"transactionId\":\"0-1-1\","
                        + "\"eventId\":\"binlog.000001:1:0\"}",
                "{\"op\":\"DELETE\",\"database\":\"shop\",\"table\":\"orders\",\"key\":{\"id\":7},"
                        + "\"before\":{\"id\":7},\"position\":{\"flavor\":\"MYSQL\",\"serverId\":3,"
                        + "\"file\":\"binlog.000002\",\"pos\":99,\"row\":1,\"gtid\":null},"
                        + "\"commitTime\":\"2026-01-02T10:00:00Z\",\"transactionId\":null,"
                        + "\"eventId\":\"binlog.000002:99:1\"}");
    }

    @Test
    void everyValueTypeIsWrittenLosslessly() throws Exception {
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("id", 7L);
        after.put("tiny", (short) -128);
        after.put("medium", 8_388_607);
        after.put("big", Long.MAX_VALUE);
        after.put("ubig", new BigInteger("18446744073709551615"));
        after.put("dec", new BigDecimal("12345678901234567890.123456789000"));
        after.put("tiny_dec", new BigDecimal("1E-12"));
        after.put("round_dec", new BigDecimal("1.20E+3"));
        after.put("flt", 1.5f);
        after.put("dbl", 0.1d);
        after.put("text", "Zoë ✓ 😀 \"quoted\"\nnext");
        after.put("bin", new byte[] {0, 1, -1, 127});
        after.put("day", LocalDate.of(2026, 2, 28));
        after.put("time", Duration.ofHours(-838).minusMinutes(59).minusSeconds(59));
        after.put("time_frac", Duration.ofSeconds(3723, 500_000_000));
        after.put("wall", LocalDateTime.of(2026, 2, 28, 23, 59, 59, 123_456_000));
        after.put("wall_round", LocalDateTime.of(2026, 2, 28, 23, 0));
        after.put("ts", Instant.parse("2026-02-28T23:59:59.000001Z"));
        after.put("yr", Year.of(2155));
        after.put("doc", "{\"a\": [1, 2]}");
        after.put("labels", new LinkedHashSet<>(List.of("red", "blue")));
        after.put("flag", Boolean.TRUE);
        after.put("bits", bits(0, 2, 63));
        after.put("no_bits", new BitSet());
        after.put("nothing", null);
        Map<String, Object> before = new LinkedHashMap<>(after);
        before.put("dec", new BigDecimal("0.000"));

        Path file = dir.resolve("types.jsonl");
        try (LoggingProcessor processor = open(file)) {
            processor.process(ChangeEventBuilder.of(Operation.UPDATE).key("id", 7L).before(before).after(after)
                    .position(position(42)).committedAt(COMMIT).transaction("0-1-42").build());
        }

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(1);
        JsonNode event = JSON.readTree(lines.get(0));
        assertThat(fieldNames(event)).containsExactly("op", "database", "table", "key", "before", "after",
                "position", "commitTime", "transactionId", "eventId");
        assertThat(event.get("op").textValue()).isEqualTo("UPDATE");
        assertThat(event.get("before").get("dec").textValue()).isEqualTo("0.000");

        JsonNode row = event.get("after");
        assertThat(fieldNames(row)).containsExactlyElementsOf(after.keySet());
        assertThat(row.get("id").isIntegralNumber()).isTrue();
        assertThat(row.get("id").longValue()).isEqualTo(7L);
        assertThat(row.get("tiny").intValue()).isEqualTo(-128);
        assertThat(row.get("medium").intValue()).isEqualTo(8_388_607);
        assertThat(row.get("big").longValue()).isEqualTo(Long.MAX_VALUE);
        assertThat(row.get("ubig").isIntegralNumber()).isTrue();
        assertThat(row.get("ubig").bigIntegerValue()).isEqualTo(new BigInteger("18446744073709551615"));
        assertThat(row.get("dec").textValue()).isEqualTo("12345678901234567890.123456789000");
        assertThat(row.get("tiny_dec").textValue()).isEqualTo("0.000000000001");
        assertThat(row.get("round_dec").textValue()).isEqualTo("1200");
        assertThat(row.get("flt").floatValue()).isEqualTo(1.5f);
        assertThat(row.get("dbl").doubleValue()).isEqualTo(0.1d);
        assertThat(row.get("text").textValue()).isEqualTo("Zoë ✓ 😀 \"quoted\"\nnext");
        assertThat(Base64.getDecoder().decode(row.get("bin").textValue())).containsExactly(0, 1, -1, 127);
        assertThat(row.get("day").textValue()).isEqualTo("2026-02-28");
        assertThat(row.get("time").textValue()).isEqualTo("PT-838H-59M-59S");
        assertThat(Duration.parse(row.get("time").textValue()))
                .isEqualTo(Duration.ofHours(-838).minusMinutes(59).minusSeconds(59));
        assertThat(row.get("time_frac").textValue()).isEqualTo("PT1H2M3.5S");
        assertThat(row.get("wall").textValue()).isEqualTo("2026-02-28T23:59:59.123456");
        assertThat(row.get("wall_round").textValue()).isEqualTo("2026-02-28T23:00:00");
        assertThat(row.get("ts").textValue()).isEqualTo("2026-02-28T23:59:59.000001Z");
        assertThat(row.get("yr").textValue()).isEqualTo("2155");
        assertThat(row.get("doc").textValue()).isEqualTo("{\"a\": [1, 2]}");
        assertThat(row.get("labels").isArray()).isTrue();
        assertThat(row.get("labels").get(0).textValue()).isEqualTo("red");
        assertThat(row.get("labels").get(1).textValue()).isEqualTo("blue");
        assertThat(row.get("flag").booleanValue()).isTrue();
        assertThat(row.get("bits").textValue()).isEqualTo("1" + "0".repeat(60) + "101");
        assertThat(row.get("no_bits").textValue()).isEqualTo("0");
        assertThat(row.has("nothing")).isTrue();
        assertThat(row.get("nothing").isNull()).isTrue();

        JsonNode position = event.get("position");
        assertThat(position.get("flavor").textValue()).isEqualTo("MARIADB");
        assertThat(position.get("serverId").longValue()).isEqualTo(1);
        assertThat(position.get("file").textValue()).isEqualTo("binlog.000001");
        assertThat(position.get("pos").longValue()).isEqualTo(42);
        assertThat(position.get("row").intValue()).isZero();
        assertThat(position.get("gtid").textValue()).isEqualTo("0-1-42");
        assertThat(event.get("commitTime").textValue()).isEqualTo("2026-01-02T10:00:00Z");
        assertThat(event.get("transactionId").textValue()).isEqualTo("0-1-42");
        assertThat(event.get("eventId").textValue()).isEqualTo("binlog.000001:42:0");
    }

    @Test
    void linesFromConcurrentLanesAreNeverInterleaved() throws Exception {
        Path file = dir.resolve("concurrent.jsonl");
        int threads = 8;
        int perThread = 500;
        String padding = "x".repeat(3_000);
        try (LoggingProcessor processor = open(file)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int lane = t;
                    futures.add(pool.submit(() -> {
                        for (int i = 0; i < perThread; i++) {
                            long id = lane * 1_000_000L + i;
                            processor.process(insert(id, Map.of("id", id, "padding", padding), id));
                        }
                        return null;
                    }));
                }
                for (Future<?> future : futures) {
                    future.get();
                }
            } finally {
                pool.shutdownNow();
            }
        }

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(threads * perThread);
        Set<Long> ids = new HashSet<>();
        for (String line : lines) {
            JsonNode event = JSON.readTree(line);
            assertThat(event.get("after").get("padding").textValue()).isEqualTo(padding);
            ids.add(event.get("key").get("id").longValue());
        }
        assertThat(ids).hasSize(threads * perThread);
    }

    @Test
    void appendsToAnExistingFileAndCloseIsIdempotent() throws Exception {
        Path file = dir.resolve("append.jsonl");
        Files.writeString(file, "earlier\n");
        LoggingProcessor processor = open(file);
        processor.process(insert(1, Map.of("id", 1L), 1));
        processor.close();
        processor.close();

        assertThat(Files.readAllLines(file)).hasSize(2).first().isEqualTo("earlier");
        assertThatThrownBy(() -> processor.process(insert(2, Map.of("id", 2L), 2)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void prettyOutputIsIndentedJson() throws Exception {
        Path file = dir.resolve("pretty.json");
        LoggingProcessor processor = new LoggingProcessor();
        processor.open(TestContexts.withoutDatabase(Map.of("log.output", file.toString(), "log.pretty", "true")));
        processor.process(insert(1, Map.of("id", 1L), 1));
        processor.close();

        String text = Files.readString(file);
        assertThat(text.lines().count()).isGreaterThan(5);
        assertThat(JSON.readTree(text).get("after").get("id").longValue()).isEqualTo(1);
    }

    @Test
    void defaultOutputIsStandardOutput() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        LoggingProcessor processor = new LoggingProcessor();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            processor.open(TestContexts.withoutDatabase(Map.of()));
            processor.process(insert(5, Map.of("id", 5L), 5));
            processor.close();
        } finally {
            System.setOut(original);
        }

        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(out).endsWith("\n").hasLineCount(1);
        assertThat(JSON.readTree(out).get("eventId").textValue()).isEqualTo("binlog.000001:5:0");
    }

    @Test
    void missingDirectoryIsReportedWithTheKey() {
        Path file = dir.resolve("no-such-dir").resolve("events.jsonl");

        assertThatThrownBy(() -> new LoggingProcessor().open(
                TestContexts.withoutDatabase(Map.of("log.output", file.toString()))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("processor.log.output=" + file)
                .hasMessageContaining("does not exist");
    }

    @Test
    void badPrettyValueIsRejected() {
        assertThatThrownBy(() -> new LoggingProcessor().open(
                TestContexts.withoutDatabase(Map.of("log.pretty", "yes"))))
                .hasMessageContaining("processor.log.pretty=yes must be true or false");
    }

    private static LoggingProcessor open(Path file) throws Exception {
        LoggingProcessor processor = new LoggingProcessor();
        processor.open(TestContexts.withoutDatabase(Map.of("log.output", file.toString())));
        return processor;
    }

    private static ChangeEvent insert(long id, Map<String, Object> after, long pos) {
        return ChangeEventBuilder.insert().key("id", id).after(after).position(position(pos)).committedAt(COMMIT)
                .transaction("0-1-" + pos).build();
    }

    private static SourcePosition position(long pos) {
        return new SourcePosition(ServerFlavor.MARIADB, 1, "binlog.000001", pos, 0, "0-1-" + pos);
    }

    private static BitSet bits(int... indexes) {
        BitSet bits = new BitSet();
        for (int index : indexes) {
            bits.set(index);
        }
        return bits;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
