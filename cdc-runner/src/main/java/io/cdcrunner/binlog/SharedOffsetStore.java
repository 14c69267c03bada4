package io.cdcrunner.binlog;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;

import io.cdcrunner.state.JdbcStateStore;

/**
 * Debezium offset storage in the pipeline's row of the state table ({@code state.store=jdbc}): each flush replaces
 * the row in one fenced transaction ({@link JdbcStateStore#writeOffsets}), so the instance that takes over reads the
 * last position the active one recorded, and a deposed one can no longer move it. The engine instantiates this class
 * by name ({@code offset.storage}); it finds the store by {@value JdbcStateStore#STORE_PROPERTY}.
 */
public class SharedOffsetStore extends MemoryOffsetBackingStore {

    private JdbcStateStore store;

    @Override
    public void configure(WorkerConfig config) {
        super.configure(config);
        Object pipeline = config.originals().get(JdbcStateStore.STORE_PROPERTY);
        if (pipeline == null) {
            throw new IllegalArgumentException(JdbcStateStore.STORE_PROPERTY + " is not set for "
                    + getClass().getSimpleName());
        }
        store = JdbcStateStore.named(pipeline.toString());
    }

    @Override
    public synchronized void start() {
        super.start();
        data = new HashMap<>();
        store.offsets().forEach((key, value) -> data.put(utf8(key), utf8(value)));
    }

    @Override
    protected void save() {
        Map<String, String> text = new TreeMap<>();
        data.forEach((key, value) -> {
            if (key != null && value != null) {
                text.put(string(key), string(value));
            }
        });
        store.writeOffsets(text);
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        return null;
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
