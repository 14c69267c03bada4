package io.cdcrunner.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.testkit.UnitTest;

/**
 * The state directory holds the binlog position and table definitions: only the daemon's user may read it, and a
 * capture of the definitions that did not finish is never taken for a history.
 */
@UnitTest
class StateDirectoryTest {

    @TempDir
    Path temp;

    @Test
    void aNewStateDirectoryIsOwnerOnly() throws Exception {
        Path root = temp.resolve("parent/state");
        new StateDirectory(root).create();
        assertThat(Files.isDirectory(root)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root))).isEqualTo("rwx------");
    }

    @Test
    void aHistoryWhoseCaptureDidNotFinishCountsAsNoneAndIsSetAsideWhenTheNextCaptureBegins() throws Exception {
        StateDirectory state = new StateDirectory(temp.resolve("state")).create();
        state.beginSchemaCapture();
        Files.writeString(state.schemaHistoryFile(), "{\"ddl\":\"CREATE TABLE a\"}\n");
        assertThat(state.hasSchemaHistory()).as("a capture in progress").isFalse();

        // The process ends here (a kill); the next one starts with what is on disk.
        StateDirectory next = new StateDirectory(temp.resolve("state")).create();
        assertThat(next.hasSchemaHistory()).isFalse();
        next.beginSchemaCapture();
        assertThat(next.schemaHistoryFile()).doesNotExist();
        try (var aside = Files.list(next.root())) {
            assertThat(aside.map(p -> p.getFileName().toString()))
                    .anyMatch(name -> name.startsWith("schema-history-before-incomplete-"));
        }
        Files.writeString(next.schemaHistoryFile(), "{\"ddl\":\"CREATE TABLE b\"}\n");
        next.schemaCaptured();
        assertThat(next.schemaCaptureMarker()).doesNotExist();
        assertThat(next.hasSchemaHistory()).isTrue();
        assertThat(next.schemaHistory()).containsExactly("{\"ddl\":\"CREATE TABLE b\"}");
    }

    @Test
    void aCompleteHistoryIsKeptWhenACaptureBegins() throws Exception {
        StateDirectory state = new StateDirectory(temp.resolve("state")).create();
        Files.writeString(state.schemaHistoryFile(), "{\"ddl\":\"CREATE TABLE a\"}\n");
        state.beginSchemaCapture();
        assertThat(state.schemaHistory()).containsExactly("{\"ddl\":\"CREATE TABLE a\"}");
        state.schemaCaptured();
        assertThat(state.hasSchemaHistory()).isTrue();
    }
}
