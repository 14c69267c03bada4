package io.cdcrunner.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Row;
import io.cdcrunner.processor.ValueType;
import io.cdcrunner.testkit.ChangeEventBuilder;
import io.cdcrunner.testkit.UnitTest;

/** A dead letter must give the processor, on replay, exactly the event it failed on. */
@UnitTest
class ChangeEventCodecTest {

    @Test
    void anEventWithEveryValueTypeRoundTripsToAnEqualEventWithTheSameJavaTypes() {
        ChangeEvent event = TestEvents.everyType();

        ChangeEvent decoded = ChangeEventCodec.fromJson(ChangeEventCodec.toJson(event));

        assertThat(decoded).isEqualTo(event);
        assertExactlyAlike(decoded, event);
        assertThat(decoded.eventId()).isEqualTo(event.eventId());
        assertThat(decoded.position().gtid()).isEqualTo(event.position().gtid());
        Row after = decoded.after();
        assertThat(after.get("price", BigDecimal.class).scale()).isEqualTo(2);
        assertThat(after.get("negative_scale", BigDecimal.class).scale()).isEqualTo(-3);
        assertThat(new ArrayList<>(after.get("set", Set.class))).containsExactly("b", "a", "c");
        assertThat(Double.doubleToRawLongBits(after.get("double_neg_zero", Double.class)))
                .isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(after.get("time").toString()).isEqualTo("PT-838H-59M-59S");
    }

    @Test
    void aBackfilledRowKeepsItsRunAndSoItsIdInADeadLetter() {
        ChangeEvent event = new ChangeEvent(io.cdcrunner.processor.Operation.INSERT, "shop", "orders",
                io.cdcrunner.processor.Row.of(java.util.Map.of("id", 42L)),
                null, io.cdcrunner.processor.Row.of(java.util.Map.of("id", 42L)),
                new io.cdcrunner.processor.SourcePosition(io.cdcrunner.processor.ServerFlavor.MARIADB, 1,
                        "binlog.000003", 4711, 0, "0-1-5", true, -1, "b20261208-021530-7f3a"),
                null, null);

        ChangeEvent decoded = ChangeEventCodec.fromJson(ChangeEventCodec.toJson(event));

        assertThat(decoded).isEqualTo(event);
        assertThat(decoded.eventId()).isEqualTo("backfill:b20261208-021530-7f3a:shop.orders:42");
    }

    @Test
    void everyValueTypeOfTheEventModelHasOneTagAndIsInTheEveryTypeEvent() {
        assertThat(java.util.Arrays.stream(ValueTag.values()).map(ValueTag::type))
                .containsExactlyInAnyOrder(ValueType.values());
        assertThat(TestEvents.everyType().after().asMap().values().stream().filter(java.util.Objects::nonNull)
                .map(ValueType::of).distinct()).containsExactlyInAnyOrder(ValueType.values());
    }

    @Test
    void randomEventsRoundTripExactly() {
        Random random = new Random(20260102);
        for (int i = 0; i < 2_000; i++) {
            ChangeEvent event = TestEvents.random(random);
            String json = ChangeEventCodec.toJson(event);

            ChangeEvent decoded = ChangeEventCodec.fromJson(json);

            assertThat(decoded).as("event %d: %s", i, json).isEqualTo(event);
            assertExactlyAlike(decoded, event);
            assertThat(ChangeEventCodec.fromJson(ChangeEventCodec.toPrettyJson(event))).isEqualTo(event);
        }
    }

    @Test
    void nullsOfOptionalFieldsAndSnapshotFlagSurvive() {
        ChangeEvent insert = TestEvents.insert(7);
        ChangeEvent bare = ChangeEventBuilder.of(insert.operation()).table(insert.database(), insert.table())
                .key(insert.key()).before(insert.before()).after(insert.after()).flavor(insert.position().flavor())
                .snapshot().build();

        ChangeEvent decoded = ChangeEventCodec.fromJson(ChangeEventCodec.toJson(bare));

        assertThat(decoded).isEqualTo(bare);
        assertThat(decoded.position().snapshot()).isTrue();
        assertThat(decoded.position().gtid()).isNull();
        assertThat(decoded.commitTime()).isNull();
        assertThat(decoded.transactionId()).isNull();
        assertThat(decoded.eventId()).startsWith("snapshot:binlog.000001:4:shop.items:");
    }

    @Test
    void theIndexInsideTheTransactionSurvivesSoAReplayedEventKeepsItsId() throws Exception {
        ChangeEvent event = ChangeEventBuilder.insert().key("id", 7).after(Map.of("id", 7)).at(1200).row(1)
                .gtidTransaction("0-1-20155").transactionEvent(3).build();

        String json = ChangeEventCodec.toJson(event);
        ChangeEvent decoded = ChangeEventCodec.fromJson(json);

        assertThat(decoded).isEqualTo(event);
        assertThat(decoded.eventId()).isEqualTo("gtid:0-1-20155:3:1");
        assertThat(ChangeEventCodec.MAPPER.readTree(json).get("position").get("transactionEvent").intValue())
                .isEqualTo(3);
    }

    @Test
    void aLetterStoredWithoutTheIndexDecodesWithItUnknown() throws Exception {
        ChangeEvent unknown = ChangeEventBuilder.insert().key("id", 7).after(Map.of("id", 7)).at(1200)
                .gtidTransaction("0-1-20155").build();
        String json = ChangeEventCodec.toJson(unknown);

        assertThat(ChangeEventCodec.MAPPER.readTree(json).get("position").has("transactionEvent")).isFalse();
        assertThat(ChangeEventCodec.fromJson(json).position().transactionEvent()).isEqualTo(-1);
        assertThat(ChangeEventCodec.fromJson(json).eventId()).isEqualTo("binlog.000001:1200:0");
    }

    @Test
    void theJsonIsOneLineWhateverTheValuesHold() {
        assertThat(ChangeEventCodec.toJson(TestEvents.everyType())).doesNotContain("\n", "\r");
    }

    @Test
    void aValueOfTheWrongShapeIsRejectedNamingItsColumn() {
        String json = ChangeEventCodec.toJson(TestEvents.everyType())
                .replace("\"price\":{\"decimal\":\"12.50\"}", "\"price\":{\"decimal\":12.5}");

        assertThatThrownBy(() -> ChangeEventCodec.fromJson(json))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("before.price: expected a string");
    }

    @Test
    void anUnknownTypeTagOrFormatIsRejected() {
        String unknownTag = ChangeEventCodec.toJson(TestEvents.insert(1)).replace("{\"int\":1}", "{\"inet\":1}");
        assertThatThrownBy(() -> ChangeEventCodec.fromJson(unknownTag)).hasMessageContaining("inet");

        String future = ChangeEventCodec.toJson(TestEvents.insert(1)).replace("\"format\":1", "\"format\":2");
        assertThatThrownBy(() -> ChangeEventCodec.fromJson(future)).hasMessageContaining("format 2");
    }

    @Test
    void aValueOfATypeRowDoesNotDocumentIsRefusedRatherThanStoredWrongly() {
        ChangeEvent odd = ChangeEventBuilder.insert().table("shop", "items")
                .after(Map.of("locale", java.util.Locale.ROOT)).position(TestEvents.insert(1).position()).build();

        assertThatThrownBy(() -> ChangeEventCodec.toJson(odd))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("after.locale").hasMessageContaining("java.util.Locale");
    }

    /** Equal, and every value of the same class: Row.equals alone would take a Short for an Integer's twin. */
    private static void assertExactlyAlike(ChangeEvent actual, ChangeEvent expected) {
        assertSameTypes(actual.key(), expected.key());
        assertSameTypes(actual.before(), expected.before());
        assertSameTypes(actual.after(), expected.after());
    }

    private static void assertSameTypes(Row actual, Row expected) {
        assertThat(new ArrayList<>(actual.columns())).isEqualTo(new ArrayList<>(expected.columns()));
        for (String column : expected.columns()) {
            Object want = expected.get(column);
            Object got = actual.get(column);
            if (want == null) {
                assertThat(got).as(column).isNull();
            } else if (want instanceof Set<?> set) {
                assertThat(new ArrayList<>((Set<?>) got)).as(column).isEqualTo(new ArrayList<>(set));
            } else {
                assertThat(got).as(column).isInstanceOf(want.getClass() == byte[].class ? byte[].class : want.getClass());
            }
        }
    }
}
