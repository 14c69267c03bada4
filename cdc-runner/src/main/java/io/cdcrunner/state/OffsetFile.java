package io.cdcrunner.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The offsets file of {@link StateDirectory}: one human-readable JSON object mapping each offset key to its value,
 * both the JSON text the engine's converter produced, written durably (a temporary file, fsynced and atomically
 * renamed over the old one, so a crash leaves the old or the new offsets, never a torn file).
 */
public final class OffsetFile {

    /** Engine property naming the offsets file. */
    public static final String FILE_PROPERTY = "offset.storage.file.filename";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private OffsetFile() {
    }

    /** The stored offsets, key JSON to value JSON; empty when the file does not exist. */
    public static Map<String, String> read(Path file) {
        if (!Files.exists(file)) {
            return Map.of();
        }
        try {
            return JSON.readValue(file.toFile(), new TypeReference<TreeMap<String, String>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException("offsets file " + file + " is unreadable (" + e.getMessage()
                    + "); restore it from a backup or delete it to start again from the binlog end", e);
        }
    }

    /** Replaces the offsets file atomically and durably. */
    public static void write(Path file, Map<String, String> offsets) {
        try {
            writeDurably(file, JSON.writeValueAsBytes(new TreeMap<>(offsets)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write offsets file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Replaces {@code file} with {@code bytes} atomically and durably, owner-only. */
    static void writeDurably(Path file, byte[] bytes) throws IOException {
        {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = dir.resolve(file.getFileName() + ".tmp");
            try (FileChannel channel = OwnerOnly.open(tmp, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(bytes));
                channel.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            fsyncDirectory(dir);
        }
    }

    /** Makes a rename or creation in {@code dir} durable, where the file system allows it. */
    static void fsyncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException ignored) {
            // Some file systems cannot open directories; the rename itself is still atomic there.
        }
    }

}
