package io.cdcrunner.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state directory holds the binlog position and table definitions: only the daemon's user may read it. */
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
}
