package io.cdcrunner.state;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open {@link JdbcStateStore}s by pipeline name. The engine creates its offset store and schema history by class
 * name ({@link io.cdcrunner.binlog.SharedOffsetStore}, {@link io.cdcrunner.binlog.SharedSchemaHistory}) and hands them
 * only its properties, so they find the pipeline's store here by the name {@link JdbcStateStore#STORE_PROPERTY}
 * carries.
 */
final class OpenStateStores {

    private static final Map<String, JdbcStateStore> OPEN = new ConcurrentHashMap<>();

    private OpenStateStores() {
    }

    static void register(String pipeline, JdbcStateStore store) {
        OPEN.put(pipeline, store);
    }

    static void unregister(String pipeline, JdbcStateStore store) {
        OPEN.remove(pipeline, store);
    }

    static JdbcStateStore named(String pipeline) {
        JdbcStateStore store = OPEN.get(pipeline);
        if (store == null) {
            throw new IllegalStateException("no JDBC state store is open for pipeline '" + pipeline + "'");
        }
        return store;
    }
}
