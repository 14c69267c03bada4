package io.cdcrunner.binlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.testkit.UnitTest;

/** The offsets file on its own: readable JSON, replaced whole, owner-only, and a clear word when it is damaged. */
@UnitTest
class OffsetFileTest {

    @TempDir
    Path dir;

    @Test
    void aMissingFileHoldsNothingAndAWrittenOneReadsBackAsWritten() throws Exception {
        Path file = dir.resolve("state/offsets.json");
        assertThat(OffsetFileStore.read(file)).isEmpty();

        Map<String, String> offsets = Map.of("[\"p\",{\"server\":\"p\"}]", "{\"file\":\"binlog.000003\",\"pos\":4242}");
        OffsetFileStore.write(file, offsets);
        assertThat(OffsetFileStore.read(file)).isEqualTo(offsets);
        assertThat(Files.readString(file)).contains("binlog.000003").contains("\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.exists(dir.resolve("state/offsets.json.tmp"))).isFalse();
    }

    @Test
    void aNewWriteReplacesTheWholeFileAndALeftoverTemporaryFileChangesNothing() throws Exception {
        Path file = dir.resolve("offsets.json");
        OffsetFileStore.write(file, Map.of("a", "1", "b", "2"));
        // As if a crash had left a half-written temporary file behind: the recorded offsets are the file's.
        Files.writeString(dir.resolve("offsets.json.tmp"), "{\"a\":");
        assertThat(OffsetFileStore.read(file)).containsOnly(Map.entry("a", "1"), Map.entry("b", "2"));

        OffsetFileStore.write(file, Map.of("a", "3"));
        assertThat(OffsetFileStore.read(file)).containsOnly(Map.entry("a", "3"));
    }

    @Test
    void aDamagedFileIsRefusedWithWhatToDo() throws Exception {
        Path file = Files.writeString(dir.resolve("offsets.json"), "{\"a\": ");
        assertThatThrownBy(() -> OffsetFileStore.read(file)).hasMessageContaining(file.toString())
                .hasMessageContaining("restore it from a backup or delete it");
    }
}
