package io.cdcrunner.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.core.ProcessingHaltedException;
import io.cdcrunner.deadletter.DeadLetter;
import io.cdcrunner.deadletter.DeadLetterReplay;
import io.cdcrunner.deadletter.DeadLetterStoreSink;
import io.cdcrunner.deadletter.JsonLinesDeadLetterStore;
import io.cdcrunner.delivery.DeliveryCounters;
import io.cdcrunner.delivery.EventDelivery;
import io.cdcrunner.delivery.Ledger;
import io.cdcrunner.delivery.VisibilityBarrier;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.EventProcessor;
import io.cdcrunner.processor.Row;
import io.cdcrunner.mapping.RecordMapper;
import io.cdcrunner.binlog.TestRecords;
import io.cdcrunner.mapping.SourceRecordJson;
import io.cdcrunner.testkit.UnitTest;

/**
 * A change record the daemon cannot map follows processor.on.failure: a dead letter holding the record (which a
 * replay maps again), or a stop that names the table, the position and the column.
 */
@UnitTest
class UnmappableRecordsTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    @TempDir
    Path temp;

    private final RecordMapper mapper = new RecordMapper();

    private static SourceRecord record(int id, boolean withUnmappableColumn) {
        return TestRecords.insert(id, withUnmappableColumn);
    }

    private UnmappableRecords deadLettering(JsonLinesDeadLetterStore store, DeliveryCounters counters) {
        return new UnmappableRecords("p", new DeadLetterStoreSink(store, "p"), counters,
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void withDeadLettersTheRecordIsStoredWithItsRawFormAndTheStreamGoesOn() {
        SourceRecord bad = record(7, true);
        DeliveryCounters counters = new DeliveryCounters();
        try (JsonLinesDeadLetterStore store = JsonLinesDeadLetterStore.openIn(temp)) {
            RuntimeException error = catchMapping(bad);
            deadLettering(store, counters).handle(mapper.unmappable(bad, error));

            DeadLetter letter = store.list().get(0);
            assertThat(store.list()).hasSize(1);
            assertThat(letter.isUnmapped()).isTrue();
            assertThat(letter.id()).isEqualTo("p:binlog.000003:4007:0");
            assertThat(letter.event().qualifiedTable()).isEqualTo("shop.orders");
            assertThat(letter.errorMessage()).contains("tags");
            assertThat(counters.deadLettered()).isEqualTo(1);
            // The stored record is the record: mapping it fails the same way, so nothing was lost in storing it.
            SourceRecord stored = SourceRecordJson.read(letter.sourceRecord());
            assertThat(stored.value()).isEqualTo(bad.value());
            assertThat(stored.key()).isEqualTo(bad.key());
            assertThat(catchMapping(stored).getMessage()).isEqualTo(error.getMessage());
        }
    }

    @Test
    void withHaltThePipelineStopsBeforeTheRecordNamingTableColumnAndPosition() {
        SourceRecord bad = record(8, true);
        UnmappableRecords halting = new UnmappableRecords("p",
                (event, error, attempts, first, last) -> { throw new IllegalStateException("halt mode"); },
                new DeliveryCounters(), Clock.systemUTC());

        assertThatThrownBy(() -> halting.handle(mapper.unmappable(bad, catchMapping(bad))))
                .isInstanceOf(ProcessingHaltedException.class)
                .hasMessageContaining("shop.orders").hasMessageContaining("binlog.000003:4008:0")
                .hasMessageContaining("'tags'").hasMessageContaining("processor.on.failure=dead-letter");
    }

    @Test
    void aReplayMapsTheStoredRecordAgainAndDeliversTheEventWhenTheMappingNowWorks() throws Exception {
        // As after an upgrade that maps what the old version could not: the stored record is mappable now.
        SourceRecord fine = record(9, false);
        List<ChangeEvent> processed = new CopyOnWriteArrayList<>();
        EventProcessor recording = processed::add;
        try (JsonLinesDeadLetterStore store = JsonLinesDeadLetterStore.openIn(temp)) {
            store.add(DeadLetter.unmapped("p", mapper.describeUnmapped(fine), SourceRecordJson.write(fine),
                    new IllegalArgumentException("no mapping yet"), NOW));
            store.add(DeadLetter.unmapped("p", mapper.describeUnmapped(record(10, true)),
                    SourceRecordJson.write(record(10, true)), new IllegalArgumentException("no mapping"), NOW));
            EventDelivery delivery = new EventDelivery(recording, null, new Ledger("cdc_runner.ledger", "p"));
            DeadLetterReplay replay = new DeadLetterReplay(store, delivery, VisibilityBarrier.NONE,
                    Clock.fixed(NOW, ZoneOffset.UTC), text -> mapper.map(SourceRecordJson.read(text)));

            List<DeadLetter> letters = store.list();
            assertThat(replay.replay(letters.get(0)).succeeded()).isTrue();
            assertThat(replay.replay(letters.get(1)).succeeded()).isFalse();

            assertThat(processed).singleElement().satisfies(event -> {
                assertThat(event.after()).isEqualTo(Row.of(Map.of("id", 9)));
                assertThat(event.key()).isEqualTo(Row.of(Map.of("id", 9)));
                assertThat(event.position().eventId()).isEqualTo("binlog.000003:4009:0");
            });
            assertThat(store.list()).singleElement().satisfies(left -> {
                assertThat(left.id()).isEqualTo("p:binlog.000003:4010:0");
                assertThat(left.attempts()).isEqualTo(2);
                assertThat(left.isUnmapped()).isTrue();
            });
        }
    }

    private RuntimeException catchMapping(SourceRecord record) {
        try {
            mapper.map(record);
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("expected the mapping to fail");
    }
}
