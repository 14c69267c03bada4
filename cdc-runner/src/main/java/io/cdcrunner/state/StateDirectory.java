package io.cdcrunner.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The daemon's durable state: Debezium offsets and schema history (and, by default, the dead letters). Kept
 * owner-only ({@link OwnerOnly}), since the schema history holds DDL, offsets reveal the source's layout and dead
 * letters hold row values.
 */
public final class StateDirectory implements StateStore {

    private static final Logger log = LoggerFactory.getLogger(StateDirectory.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** The engine's offset store reading and writing {@link #offsetsFile()}. */
    private static final String OFFSET_STORE = "io.cdcrunner.binlog.OffsetFileStore";
    /** The engine's schema history in {@link #schemaHistoryFile()}, written to survive a kill at any moment. */
    private static final String SCHEMA_HISTORY = "io.cdcrunner.binlog.DurableFileSchemaHistory";

    private final Path root;
    private volatile boolean capturing;

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
    @Override
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

    /** Present while the engine captures the table definitions into the schema history: see {@link #beginSchemaCapture}. */
    public Path schemaCaptureMarker() {
        return root.resolve("schema-history.capturing");
    }

    /**
     * The DDL statements whose table definitions were taken from the server (see
     * {@link io.cdcrunner.binlog.SchemaRecoveries}).
     */
    public Path schemaRecoveriesFile() {
        return root.resolve("schema-recoveries.json");
    }

    /**
     * Moves the schema history aside (kept for diagnosis, named after {@code label}), so that the next engine start
     * reads the table definitions from the server.
     */
    @Override
    public void setSchemaHistoryAside(String label) {
        Path aside = historyAside(label);
        try {
            Files.move(schemaHistoryFile(), aside, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + schemaHistoryFile() + " aside: " + e.getMessage(), e);
        }
    }

    private Path historyAside(String label) {
        return root.resolve("schema-history-before-" + label.replaceAll("[^A-Za-z0-9._-]", "_") + ".jsonl");
    }

    @Override
    public void setStateAside(String label) {
        String suffix = "." + label.replaceAll("[^A-Za-z0-9._-]", "_");
        for (Path file : new Path[] {offsetsFile(), schemaHistoryFile()}) {
            try {
                if (Files.exists(file)) {
                    Files.move(file, file.resolveSibling(file.getFileName() + suffix), StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot set " + file + " aside: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public Map<String, String> offsets() {
        return OffsetFile.read(offsetsFile());
    }

    @Override
    public void writeOffsets(Map<String, String> offsets) {
        OffsetFile.write(offsetsFile(), offsets);
    }

    /** The backfill record's file. */
    public Path backfillFile() {
        return root.resolve("backfill.json");
    }

    @Override
    public java.util.Optional<String> backfillRecord() {
        Path file = backfillFile();
        if (!Files.exists(file)) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void writeBackfillRecord(String json) {
        try {
            OffsetFile.writeDurably(backfillFile(), json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + backfillFile() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> schemaHistory() {
        if (!Files.exists(schemaHistoryFile())) {
            return List.of();
        }
        try (var lines = Files.lines(schemaHistoryFile())) {
            return lines.filter(line -> !line.isBlank()).toList();
        } catch (IOException | UncheckedIOException e) {
            throw new UncheckedIOException("cannot read " + schemaHistoryFile() + ": " + e.getMessage(),
                    e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
        }
    }

    @Override
    public synchronized List<Recovery> recoveries() {
        Path file = schemaRecoveriesFile();
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return List.copyOf(JSON.readValue(file.toFile(), new TypeReference<List<Recovery>>() { }));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage()
                    + "; it lists the DDL statements whose table definitions were read from the server", e);
        }
    }

    @Override
    public synchronized void addRecovery(Recovery recovery) {
        List<Recovery> recoveries = new ArrayList<>(recoveries());
        recoveries.add(recovery);
        Path file = schemaRecoveriesFile();
        try {
            Path temp = Files.createTempFile(file.getParent(), ".schema-recoveries", ".tmp");
            JSON.writeValue(temp.toFile(), recoveries);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void configureEngine(Properties engine) {
        engine.setProperty("offset.storage", OFFSET_STORE);
        engine.setProperty(OffsetFile.FILE_PROPERTY, offsetsFile().toString());
        engine.setProperty("schema.history.internal", SCHEMA_HISTORY);
        engine.setProperty("schema.history.internal.file.filename", schemaHistoryFile().toString());
    }

    @Override
    public String location() {
        return "state directory " + root;
    }

    @Override
    public String howToReset() {
        return "delete " + offsetsFile() + " and " + schemaHistoryFile();
    }

    @Override
    public String howToRebuildSchemaHistory() {
        return "mv " + schemaHistoryFile() + " " + schemaHistoryFile() + ".incomplete";
    }

    /** Recorded and complete: a capture that did not finish (its marker is still there) counts as none. */
    @Override
    public boolean hasSchemaHistory() {
        try {
            return Files.exists(schemaHistoryFile()) && Files.size(schemaHistoryFile()) > 0
                    && !Files.exists(schemaCaptureMarker());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Marks the history as being captured (the marker is synced before the engine writes a record), after setting
     * aside what an earlier capture that did not finish left: the engine appends to the file, and a partial capture
     * would define only some tables.
     */
    @Override
    public synchronized void beginSchemaCapture() {
        Path marker = schemaCaptureMarker();
        try {
            if (Files.exists(marker) && Files.exists(schemaHistoryFile())) {
                String label = "incomplete-" + System.currentTimeMillis();
                setSchemaHistoryAside(label);
                log.warn("the schema history in {} was being captured when the daemon last ended (killed, or the "
                        + "machine went down): set it aside as {} and capturing the table definitions again", root,
                        historyAside(label).getFileName());
            }
            try (var channel = OwnerOnly.open(marker, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            OffsetFile.fsyncDirectory(root);
            capturing = true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + marker + ": " + e.getMessage()
                    + "; set state.dir to a directory the daemon's user can write", e);
        }
    }

    /** Syncs the captured history, then removes the marker: from now on the history is complete. */
    @Override
    public void schemaCaptured() {
        if (!capturing) {
            return;
        }
        synchronized (this) {
            if (!capturing) {
                return;
            }
            try {
                if (Files.exists(schemaHistoryFile())) {
                    try (var channel = java.nio.channels.FileChannel.open(schemaHistoryFile(),
                            java.nio.file.StandardOpenOption.WRITE)) {
                        channel.force(true);
                    }
                }
                Files.deleteIfExists(schemaCaptureMarker());
                OffsetFile.fsyncDirectory(root);
                capturing = false;
            } catch (IOException e) {
                log.warn("cannot sync {} or remove {} ({}); the next start captures the table definitions again",
                        schemaHistoryFile(), schemaCaptureMarker(), e.getMessage());
            }
        }
    }
}
