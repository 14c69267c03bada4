package io.cdcrunner.visibility;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.Row;
import io.cdcrunner.testkit.ChangeEventBuilder;
import io.cdcrunner.testkit.UnitTest;

@UnitTest
class RowMatchTest {

    private static Row row(Object... columnsAndValues) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < columnsAndValues.length; i += 2) {
            values.put((String) columnsAndValues[i], columnsAndValues[i + 1]);
        }
        return Row.of(values);
    }

    private static ChangeEvent event(Operation op, Row key, Row before, Row after) {
        return ChangeEventBuilder.of(op).table("db", "t").key(key).before(before).after(after).at(100).gtid("0-1-1")
                .committedAt(Instant.now()).build();
    }

    @Test
    void findsARowByItsPrimaryKey() {
        RowMatch match = RowMatch.byKey(row("tenant", "acme", "id", 7L));
        assertThat(match.condition()).isEqualTo("`tenant` = ? AND `id` = ?");
    }

    @Test
    void aKeyThatDoesNotCompareExactlyInSqlIsNotUsed() {
        assertThat(RowMatch.byKey(row("ratio", 0.1d))).isNull();
        assertThat(RowMatch.byKey(row("at", Instant.EPOCH))).isNull();
        assertThat(RowMatch.byKey(Row.empty())).isNull();
    }

    @Test
    void anUpdateMatchesTheKeyAndTheColumnsItChanged() {
        ChangeEvent update = event(Operation.UPDATE, row("id", 7L),
                row("id", 7L, "status", "new", "amount", new BigDecimal("1.00"), "note", "x"),
                row("id", 7L, "status", "paid", "amount", new BigDecimal("1.00"), "note", "x"));
        assertThat(RowMatch.forEvent(update).columns()).containsExactly(Map.entry("id", 7L), Map.entry("status", "paid"));
    }

    @Test
    void aRowWithoutKeyIsMatchedByItsComparableValuesNullSafe() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("name", "a");
        values.put("weight", 1.5d);
        values.put("note", null);
        ChangeEvent insert = event(Operation.INSERT, Row.empty(), null, Row.of(values));
        assertThat(RowMatch.forEvent(insert).condition()).isEqualTo("`name` = ? AND `note` <=> ?");
    }

    @Test
    void identifiersAreQuoted() {
        assertThat(RowMatch.quote("we`ird")).isEqualTo("`we``ird`");
    }
}
