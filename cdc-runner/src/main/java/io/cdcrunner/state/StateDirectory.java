package io.cdcrunner.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's durable state: Debezium offsets and schema history (and, by default, the dead letters). Kept
 * owner-only ({@link OwnerOnly}), since the schema history holds DDL, offsets reveal the source's layout and dead
 * letters hold row values.
 */
public final class StateDirectory {

    private static final Logger log = LoggerFactory.getLogger(StateDirectory.class);

    private final Path root;

    public StateDirectory(Path root) {
        this.root = root.toAbsolutePath();
    }

    /**
     * Creates the directory if needed ({@code rwx------}) and takes group and others' permissions away from it and
     * everything in it, whoever created them, saying what it changed.
     */
    public StateDirectory create() {
        try {
            OwnerOnly.createDirectory(root);
            List<String> changed = OwnerOnly.tighten(root);
            if (!changed.isEmpty()) {
                log.info("state directory: made owner-only (the daemon's user's alone): {}", String.join(", ", changed));
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create state directory " + root + ": " + e.getMessage()
                    + "; set state.dir to a directory the daemon's user can write", e);
        }
    }

    /** Takes group and others' permissions away again from files the engine created meanwhile (its umask's). */
    public void tighten() {
        try {
            List<String> changed = OwnerOnly.tighten(root);
            if (!changed.isEmpty()) {
                log.debug("state directory: made owner-only: {}", String.join(", ", changed));
            }
        } catch (IOException e) {
            log.warn("cannot restrict the permissions of state directory {}: {}", root, e.toString());
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
            Files.move(schemaHistoryFile(), aside, StandardCopyOption.REPLACE_EXISTING);
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
