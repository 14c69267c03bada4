package io.cdcrunner.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The daemon's durable state: Debezium offsets and schema history. Created with owner-only permissions,
 * since the schema history holds DDL and offsets reveal the source's layout.
 */
public final class StateDirectory {

    private final Path root;

    public StateDirectory(Path root) {
        this.root = root.toAbsolutePath();
    }

    /** Creates the directory if needed (mode 0700 on POSIX systems). */
    public StateDirectory create() {
        try {
            if (!Files.isDirectory(root)) {
                Files.createDirectories(root);
                if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
                }
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create state directory " + root + ": " + e.getMessage()
                    + "; set state.dir to a directory the daemon's user can write", e);
        }
    }

    public Path root() {
        return root;
    }

    public Path offsetsFile() {
        return root.resolve("offsets.json");
    }

    public Path schemaHistoryFile() {
        return root.resolve("schema-history.jsonl");
    }

    public boolean hasSchemaHistory() {
        try {
            return Files.exists(schemaHistoryFile()) && Files.size(schemaHistoryFile()) > 0;
        } catch (IOException e) {
            return false;
        }
    }
}
