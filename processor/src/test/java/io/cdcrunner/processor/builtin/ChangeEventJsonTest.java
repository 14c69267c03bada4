package io.cdcrunner.processor.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.ValueType;
import io.cdcrunner.testkit.ChangeEventBuilder;
import io.cdcrunner.testkit.UnitTest;

/** Every value the event model can hold has one documented JSON form, and the default processor writes it. */
@UnitTest
class ChangeEventJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void everyValueTypeOfTheEventModelIsWrittenInItsDocumentedForm() throws Exception {
        SoftAssertions softly = new SoftAssertions();
        for (ValueType type : ValueType.values()) {
            List<ValueSamples.Sample> samples = ValueSamples.of(type);
            assertThat(samples).as(type.name()).isNotEmpty();
            for (ValueSamples.Sample sample : samples) {
                assertThat(ValueType.of(sample.value())).as(sample.json()).isEqualTo(type);
                String written;
                try {
                    written = ChangeEventJson.toJson(update(Map.of("v", sample.value())));
                } catch (RuntimeException e) {
                    softly.fail("%s %s cannot be written: %s", type, sample.json(), e);
                    continue;
                }
                JsonNode after = JSON.readTree(written).get("after");
                softly.assertThat(JSON.writeValueAsString(after.get("v"))).as("%s %s", type, sample.value())
                        .isEqualTo(sample.json());
            }
        }
        softly.assertAll();
    }

    @Test
    void aRowHoldingEveryValueTypeIsLoggedByTheDefaultProcessorOnOneLine() throws Exception {
        Map<String, Object> row = new LinkedHashMap<>();
        Map<String, String> expected = new LinkedHashMap<>();
        for (ValueType type : ValueType.values()) {
            List<ValueSamples.Sample> samples = ValueSamples.of(type);
            for (int i = 0; i < samples.size(); i++) {
                String column = type.name().toLowerCase(Locale.ROOT) + "_" + i;
                row.put(column, samples.get(i).value());
                expected.put(column, samples.get(i).json());
            }
        }
        row.put("nothing", null);
        expected.put("nothing", "null");
        Path file = dir.resolve("events.jsonl");

        try (LoggingProcessor processor = new LoggingProcessor()) {
            processor.open(TestContexts.withoutDatabase(Map.of("log.output", file.toString())));
            processor.process(update(row));
        }

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(1);
        JsonNode event = JSON.readTree(lines.get(0));
        for (String side : List.of("before", "after")) {
            Map<String, String> written = new LinkedHashMap<>();
            event.get(side).properties().forEach(e -> written.put(e.getKey(), e.getValue().toString()));
            assertThat(written).as(side).containsExactlyEntriesOf(expected);
        }
    }

    @Test
    void aValueOfATypeTheModelDoesNotHoldIsRefusedNamingItsColumnAndType() {
        ChangeEvent odd = update(Map.of("locale", Locale.ROOT));

        assertThatThrownBy(() -> ChangeEventJson.toJson(odd))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("before.locale").hasMessageContaining("java.util.Locale");
    }

    private static ChangeEvent update(Map<String, Object> values) {
        return ChangeEventBuilder.of(Operation.UPDATE).table("shop", "everything").key("id", 1).before(values)
                .after(values).gtidTransaction("0-1-4").committedAt(Instant.parse("2026-01-02T10:00:00Z")).build();
    }
}
