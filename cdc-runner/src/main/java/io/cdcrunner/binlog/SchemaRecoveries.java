package io.cdcrunner.binlog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The DDL statements whose table definitions the daemon took from the server instead of the engine's parser, kept
 * in the state directory ({@code schema-recoveries.json}) so that reading such a statement again after a restart
 * does not stop the pipeline a second time.
 */
public final class SchemaRecoveries {

    /** One recovery: the statement's binlog position and its text. */
    public record Recovery(String file, long pos, String statement) {
        BinlogPoint point() {
            return new BinlogPoint(file, pos);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;

    public SchemaRecoveries(Path file) {
        this.file = file;
    }

    public synchronized List<Recovery> all() {
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

    synchronized boolean covers(BinlogPoint point, String statement) {
        return all().stream().anyMatch(r -> r.point().equals(point) && r.statement().equals(statement));
    }

    /** Adds a recovery, written atomically (a crash leaves the old list or the new one). */
    public synchronized void add(BinlogPoint point, String statement) {
        List<Recovery> recoveries = new ArrayList<>(all());
        recoveries.add(new Recovery(point.file(), point.position(), statement));
        try {
            Path temp = Files.createTempFile(file.getParent(), ".schema-recoveries", ".tmp");
            JSON.writeValue(temp.toFile(), recoveries);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
