package io.cdcrunner.deadletter;

import static io.cdcrunner.deadletter.TestLetters.letter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.testkit.UnitTest;

@UnitTest
class JsonLinesDeadLetterStoreTest {

    @TempDir
    Path state;

    private Path file() {
        return state.resolve(JsonLinesDeadLetterStore.FILE_NAME);
    }

    private List<String> lines() throws Exception {
        return Files.readAllLines(file(), StandardCharsets.UTF_8);
    }

    @Test
    void addListGetRemoveAndPurge() {
        try (JsonLinesDeadLetterStore store = JsonLinesDeadLetterStore.openIn(state)) {
            assertThat(store.list()).isEmpty();
            store.add(letter(3, 5));
            store.add(letter(1, 5));
            store.add(letter(2, 5));

            assertThat(store.size()).isEqualTo(3);
            assertThat(store.list()).extracting(DeadLetter::id)
                    .as("oldest first failure first")
                    .containsExactly("test:binlog.000001:100:0", "test:binlog.000001:200:0", "test:binlog.000001:300:0");
            assertThat(store.get("test:binlog.000001:200:0")).contains(letter(2, 5));
            assertThat(store.get("nope")).isEmpty();

            assertThat(store.remove("test:binlog.000001:200:0")).isTrue();
            assertThat(store.remove("test:binlog.000001:200:0")).isFalse();
            assertThat(store.list()).containsExactly(letter(1, 5), letter(3, 5));

            assertThat(store.purge()).isEqualTo(2);
            assertThat(store.size()).isZero();
            assertThat(store.purge()).isZero();
        }
    }

    @Test
    void everyEntrySurvivesReopeningExactly() throws Exception {
        DeadLetter everyType = TestLetters.everyType();
        try (JsonLinesDeadLetterStore store = JsonLinesDeadLetterStore.openIn(state)) {
            store.add(letter(1, 2));
            store.add(everyType);
            store.add(letter(2, 3));
            store.remove(letter(2, 3).id());
            store.add(TestLetters.letterAt(3, "t-0@42"));
        }
        assertThat(lines()).hasSize(3);

        try (JsonLinesDeadLetterStore reopened = JsonLinesDeadLetterStore.openIn(state)) {
            assertThat(reopened.list()).containsExactly(everyType, letter(1, 2), TestLetters.letterAt(3, "t-0@42"));
            assertThat(reopened.get(everyType.id()).orElseThrow().event()).isEqualTo(TestEvents.everyType());
        }
        if (Files.getFileStore(state).supportsFileAttributeView("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file())))
                    .as("row data is for the daemon's user only").isEqualTo("rw-------");
        }
    }

    @Test
    void addingTheSameEventAgainReplacesItsEntryAndKeepsTheFirstFailureTime() throws Exception {
        DeadLetter first = letter(1, 5);
        DeadLetter again = DeadLetter.of("test", TestEvents.insert(1), new RuntimeException("again"), 2,
                first.firstFailedAt().plusSeconds(3600), first.firstFailedAt().plusSeconds(3700));
        try (JsonLinesDeadLetterStore store = JsonLinesDeadLetterStore.openIn(state)) {
            store.add(first);
            store.add(letter(2, 1));
            store.add(again);

            DeadLetter stored = store.get(first.id()).orElseThrow();
            assertThat(stored.attempts()).isEqualTo(2);
            assertThat(stored.errorMessage()).isEqualTo("again");
            assertThat(stored.lastFailedAt()).isEqualTo(again.lastFailedAt());
            assertThat(stored.firstFailedAt()).isEqualTo(first.firstFailedAt());
            assertThat(store.size()).isEqualTo(2);
        }
        assertThat(lines()).as("one line per event").hasSize(2);
        try (JsonLinesDeadLetterStore reopened = JsonLinesDeadLetterStore.openIn(state)) {
            assertThat(reopened.get(first.id()).orElseThrow().errorMessage()).isEqualTo("again");
        }
    }

    @Test
    void aRewriteReplacesTheFileWholeAndIgnoresTheLeftoverOfAnInterruptedOne() throws Exception {
        try (JsonLinesDeadLetterStore store = JsonLinesDeadLetterStore.openIn(state)) {
            store.add(letter(1, 1));
            store.add(letter(2, 1));
        }
        // A crash during a rewrite leaves a partial temporary file beside the intact original.
        Path temp = state.resolve(JsonLinesDeadLetterStore.FILE_NAME + ".tmp");
        Files.writeString(temp, "{\"id\":\"half a li");
        Object inodeBefore = Files.readAttributes(file(), java.nio.file.attribute.BasicFileAttributes.class).fileKey();

        try (JsonLinesDeadLetterStore store = JsonLinesDeadLetterStore.openIn(state)) {
            assertThat(store.size()).isEqualTo(2);
            store.remove(letter(1, 1).id());
        }

        Object inodeAfter = Files.readAttributes(file(), java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        assertThat(inodeAfter).as("renamed over, not edited in place").isNotEqualTo(inodeBefore);
        assertThat(temp).doesNotExist();
        assertThat(lines()).hasSize(1).allMatch(line -> line.contains(letter(2, 1).id()));
    }

    @Test
    void aCorruptLineIsReportedWithItsNumberAndTheFileIsLeftAlone() throws Exception {
        try (JsonLinesDeadLetterStore store = JsonLinesDeadLetterStore.openIn(state)) {
            store.add(letter(1, 1));
            store.add(letter(2, 1));
            store.add(letter(3, 1));
        }
        List<String> lines = new ArrayList<>(lines());
        lines.set(1, lines.get(1).replace("\"attempts\":1", "\"attempts\":\"one\""));
        Files.write(file(), lines, StandardCharsets.UTF_8);
        byte[] corrupt = Files.readAllBytes(file());

        assertThatThrownBy(() -> JsonLinesDeadLetterStore.openIn(state))
                .isInstanceOf(DeadLetterStoreException.class)
                .hasMessageContaining(JsonLinesDeadLetterStore.FILE_NAME + " line 2 ")
                .hasMessageContaining("attempts")
                .hasMessageContaining("repair or delete that line");
        assertThat(Files.readAllBytes(file())).isEqualTo(corrupt);

        lines.remove(1);
        Files.write(file(), lines, StandardCharsets.UTF_8);
        try (JsonLinesDeadLetterStore repaired = JsonLinesDeadLetterStore.openIn(state)) {
            assertThat(repaired.list()).containsExactly(letter(1, 1), letter(3, 1));
        }
    }

    @Test
    void anAppendCutShortByACrashIsDroppedAndTheNextAddStartsOnItsOwnLine() throws Exception {
        try (JsonLinesDeadLetterStore store = JsonLinesDeadLetterStore.openIn(state)) {
            store.add(letter(1, 1));
        }
        String whole = DeadLetterJson.toLine(letter(2, 1));
        Files.writeString(file(), whole.substring(0, whole.length() / 2), StandardOpenOption.APPEND);

        try (JsonLinesDeadLetterStore store = JsonLinesDeadLetterStore.openIn(state)) {
            assertThat(store.list()).containsExactly(letter(1, 1));
            store.add(letter(3, 1));
        }
        try (JsonLinesDeadLetterStore reopened = JsonLinesDeadLetterStore.openIn(state)) {
            assertThat(reopened.list()).containsExactly(letter(1, 1), letter(3, 1));
        }
        assertThat(lines()).hasSize(2);
    }

    @Test
    void twoProcessesSharingTheFileSeeEachOthersChanges() {
        // The daemon appends while `cdc-runner dlq replay` removes: neither may undo the other.
        try (JsonLinesDeadLetterStore daemon = JsonLinesDeadLetterStore.openIn(state);
             JsonLinesDeadLetterStore cli = JsonLinesDeadLetterStore.openIn(state)) {
            daemon.add(letter(1, 1));
            daemon.add(letter(2, 1));
            assertThat(cli.list()).hasSize(2);

            assertThat(cli.remove(letter(1, 1).id())).isTrue();
            daemon.add(letter(3, 1));
            assertThat(daemon.get(letter(1, 1).id())).isEmpty();
            assertThat(cli.list()).containsExactly(letter(2, 1), letter(3, 1));

            daemon.add(letter(2, 4));
            assertThat(cli.get(letter(2, 1).id()).orElseThrow().attempts()).isEqualTo(4);
            assertThat(cli.purge()).isEqualTo(2);
            assertThat(daemon.size()).isZero();
        }
    }

    @Test
    void concurrentAddsAreAllKept() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try (JsonLinesDeadLetterStore store = JsonLinesDeadLetterStore.openIn(state)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(threads.submit(() -> {
                    for (int i = 1; i <= 50; i++) {
                        store.add(letter(thread * 1000 + i, 1));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            threads.shutdownNow();
        }
        try (JsonLinesDeadLetterStore reopened = JsonLinesDeadLetterStore.openIn(state)) {
            assertThat(reopened.size()).isEqualTo(200);
        }
    }

    @Test
    void aClosedStoreRefusesWork() {
        JsonLinesDeadLetterStore store = JsonLinesDeadLetterStore.openIn(state);
        store.close();
        store.close();
        assertThatThrownBy(store::size).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
