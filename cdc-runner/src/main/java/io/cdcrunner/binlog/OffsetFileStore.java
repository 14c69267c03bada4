package io.cdcrunner.binlog;

import io.cdcrunner.state.OwnerOnly;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Debezium offset storage in one human-readable JSON file, written durably: each save goes to a temporary
 * file that is fsynced and atomically renamed over the old one, so a crash leaves either the old or the new
 * offsets, never a torn file. (Kafka's FileOffsetBackingStore uses Java serialization and no fsync.)
 *
 * <p>The file maps each offset key to its value, both being the JSON text the engine's converter produced,
 * e.g. {@code ["shop",{"server":"shop"}]} to {@code {"file":"binlog.000002","pos":1234,...}}.
 * The engine instantiates this class by name ({@code offset.storage}) and passes
 * {@value #FILE_PROPERTY} through its worker configuration.
 */
public class OffsetFileStore extends MemoryOffsetBackingStore {

    /** Engine property naming the offsets file. */
    public static final String FILE_PROPERTY = "offset.storage.file.filename";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Path file;

    @Override
    public void configure(WorkerConfig config) {
        super.configure(config);
        Object name = config.originals().get(FILE_PROPERTY);
        if (name == null) {
            throw new IllegalArgumentException(FILE_PROPERTY + " is not set for " + getClass().getSimpleName());
        }
        file = Path.of(name.toString());
    }

    @Override
    public synchronized void start() {
        super.start();
        data = new HashMap<>();
        read(file).forEach((key, value) -> data.put(utf8(key), utf8(value)));
    }

    @Override
    protected void save() {
        Map<String, String> text = new TreeMap<>();
        data.forEach((key, value) -> {
            if (key != null && value != null) {
                text.put(string(key), string(value));
            }
        });
        write(file, text);
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        return null;
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
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = dir.resolve(file.getFileName() + ".tmp");
            byte[] bytes = JSON.writeValueAsBytes(new TreeMap<>(offsets));
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
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write offsets file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException ignored) {
            // Some file systems cannot open directories; the rename itself is still atomic there.
        }
    }

    private static ByteBuffer utf8(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String string(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
