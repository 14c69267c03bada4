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

    /** The DDL statements whose table definitions were taken from the server (see {@code SchemaRecoveries}). */
    public Path schemaRecoveriesFile() {
        return root.resolve("schema-recoveries.json");
    }

    /**
     * Moves the schema history aside (kept for diagnosis, named after {@code label}), so that the next engine start
     * reads the table definitions from the server.
     */
    public Path setSchemaHistoryAside(String label) {
        Path aside = root.resolve("schema-history-before-" + label.replaceAll("[^A-Za-z0-9._-]", "_") + ".jsonl");
        try {
            Files.move(schemaHistoryFile(), aside, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return aside;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + schemaHistoryFile() + " aside: " + e.getMessage(), e);
        }
    }

    public boolean hasSchemaHistory() {
        try {
            return Files.exists(schemaHistoryFile()) && Files.size(schemaHistoryFile()) > 0;
        } catch (IOException e) {
            return false;
        }
    }
}
