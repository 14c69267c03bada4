package io.cdcrunner.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.processor.SourcePosition;
import io.cdcrunner.testkit.ChangeEventBuilder;
import io.cdcrunner.testkit.UnitTest;

@UnitTest
class DeadLetterTest {

    @Test
    void theIdDependsOnlyOnThePipelineAndTheEventSoARepeatedFailureNamesTheSameEntry() {
        DeadLetter first = DeadLetter.of("orders", TestEvents.insert(7), new IllegalStateException("a"), 5,
                TestLetters.T0, TestLetters.T0);
        DeadLetter afterRestart = DeadLetter.of("orders", TestEvents.insert(7), new RuntimeException("b"), 1,
                TestLetters.T0.plusSeconds(60), TestLetters.T0.plusSeconds(60));

        assertThat(first.id()).isEqualTo("orders:binlog.000001:700:0").isEqualTo(afterRestart.id());
        assertThat(DeadLetter.of("other", TestEvents.insert(7), new RuntimeException(), 1, TestLetters.T0,
                TestLetters.T0).id()).isNotEqualTo(first.id());
    }

    @Test
    void aSnapshotRowWithALongKeyGetsAShortStableId() {
        // The event id itself is a digest past 255 characters (the ledger's column), and the letter's id follows it.
        String longKey = "k".repeat(400);
        ChangeEvent event = ChangeEventBuilder.insert().table("shop", "items").key("code", longKey)
                .after(Map.of("code", longKey)).snapshot().build();

        String id = DeadLetter.idFor("orders", event);

        assertThat(event.eventId()).startsWith("snapshot:sha256:").hasSize("snapshot:sha256:".length() + 64);
        assertThat(id).isEqualTo("orders:" + event.eventId()).hasSizeLessThanOrEqualTo(255)
                .isEqualTo(DeadLetter.idFor("orders", event));
    }

    @Test
    void snapshotRowsOfLongDatabaseTableAndBinlogNamesGetDistinctIdsTheLedgerColumnHolds() {
        String binlog = "ip-10-0-0-1.eu-west-1.compute.internal-bin.000001";
        SourcePosition at = new SourcePosition(ServerFlavor.MYSQL, 1, binlog, 4, 0, null, true);
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int key = 0; key < 3; key++) {
            ChangeEvent event = ChangeEventBuilder.insert().table("d".repeat(64), "t".repeat(64))
                    .key("id", "k".repeat(60) + key).after(Map.of("id", "k".repeat(60) + key)).position(at).build();
            assertThat(event.eventId()).hasSizeLessThanOrEqualTo(ChangeEvent.MAX_EVENT_ID_LENGTH);
            ids.add(event.eventId());
        }
        assertThat(ids).hasSize(3);
    }

    @Test
    void theErrorIsKeptWithItsCausesAndCappedWithoutSplittingACharacter() {
        DeadLetter letter = TestLetters.everyType();
        assertThat(letter.errorClass()).isEqualTo(RuntimeException.class.getName());
        assertThat(letter.error()).isEqualTo("java.lang.RuntimeException: outer\nsecond line");
        assertThat(letter.stackTrace()).contains("Caused by: java.sql.SQLException: inner 😀")
                .contains("DeadLetterTest");

        String huge = "😀".repeat(DeadLetter.MAX_STACK_TRACE_CHARS);
        DeadLetter capped = new DeadLetter("id", "p", TestEvents.insert(1), "E", huge, huge, 1, TestLetters.T0,
                TestLetters.T0, null, null);
        assertThat(capped.stackTrace().length()).isLessThanOrEqualTo(DeadLetter.MAX_STACK_TRACE_CHARS);
        assertThat(capped.stackTrace()).endsWith("(cut here: the full text had " + huge.length() + " characters)");
        assertThat(capped.errorMessage().length()).isLessThanOrEqualTo(DeadLetter.MAX_MESSAGE_CHARS);
        String kept = capped.errorMessage().substring(0, capped.errorMessage().indexOf('\n'));
        assertThat(kept.codePoints()).allMatch(c -> c == "😀".codePointAt(0));
    }

    @Test
    void timesAreKeptToTheMicrosecondAndAnotherFailureCountsAnAttempt() {
        Instant nanos = Instant.parse("2026-01-02T10:00:00.123456789Z");
        DeadLetter letter = DeadLetter.of("p", TestEvents.insert(1), new RuntimeException("x"), 2, nanos, nanos);
        assertThat(letter.firstFailedAt()).isEqualTo(Instant.parse("2026-01-02T10:00:00.123456Z"));

        DeadLetter again = letter.failedAgain(new IllegalArgumentException("y"), nanos.plusSeconds(5));

        assertThat(again.attempts()).isEqualTo(3);
        assertThat(again.firstFailedAt()).isEqualTo(letter.firstFailedAt());
        assertThat(again.lastFailedAt()).isEqualTo(Instant.parse("2026-01-02T10:00:05.123456Z"));
        assertThat(again.error()).isEqualTo("java.lang.IllegalArgumentException: y");
        assertThat(again.id()).isEqualTo(letter.id());
    }
}
