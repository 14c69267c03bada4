package io.cdcrunner.binlog;

import io.cdcrunner.state.OffsetFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;


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
    public static final String FILE_PROPERTY = OffsetFile.FILE_PROPERTY;

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
        return OffsetFile.read(file);
    }

    /** Replaces the offsets file atomically and durably. */
    public static void write(Path file, Map<String, String> offsets) {
        OffsetFile.write(file, offsets);
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
