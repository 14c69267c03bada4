package io.cdcrunner.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.testkit.UnitTest;

/** What the lanes hand over after the last attempt ends up in the store, once per event. */
@UnitTest
class DeadLetterStoreSinkTest {

    @TempDir
    Path state;

    @Test
    void anEventGivenUpOnIsStoredDurablyAndAgainOnlyReplacesIt() {
        try (DeadLetterStoreSink sink = new DeadLetterStoreSink(JsonLinesDeadLetterStore.openIn(state), "orders")) {
            sink.deadLetter(TestEvents.insert(4), new IllegalStateException("first run"), 5, TestLetters.T0,
                    TestLetters.T0.plusSeconds(2));
            sink.deadLetter(TestEvents.insert(4), new IllegalStateException("after restart"), 5,
                    TestLetters.T0.plusSeconds(60), TestLetters.T0.plusSeconds(62));
        }
        try (JsonLinesDeadLetterStore reopened = JsonLinesDeadLetterStore.openIn(state)) {
            assertThat(reopened.list()).hasSize(1);
            DeadLetter stored = reopened.list().get(0);
            assertThat(stored.id()).isEqualTo("orders:binlog.000001:400:0");
            assertThat(stored.pipeline()).isEqualTo("orders");
            assertThat(stored.event()).isEqualTo(TestEvents.insert(4));
            assertThat(stored.errorMessage()).isEqualTo("after restart");
            assertThat(stored.stackTrace()).contains("IllegalStateException: after restart");
            assertThat(stored.firstFailedAt()).isEqualTo(TestLetters.T0);
            assertThat(stored.lastFailedAt()).isEqualTo(TestLetters.T0.plusSeconds(62));
        }
    }
}
