package io.cdcrunner.mapping;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Function;

import org.apache.kafka.connect.data.Schema;

/**
 * Values computed once per Connect {@link Schema} instance, looked up by identity.
 *
 * <p>Debezium builds one schema instance per table version and reuses it for every record, so identity is
 * both correct and cheap; {@code ConnectSchema.equals/hashCode} walk the whole schema and would cost more than
 * the conversion itself. Reads take no lock (copy-on-write: schemas change only on DDL). Schemas replaced by
 * DDL stay cached until {@link #MAX_ENTRIES} is reached, then the cache starts afresh.
 */
final class SchemaCache<V> {

    static final int MAX_ENTRIES = 4096;

    private final Function<Schema, V> factory;
    private volatile Map<Schema, V> entries = new IdentityHashMap<>();

    SchemaCache(Function<Schema, V> factory) {
        this.factory = factory;
    }

    V get(Schema schema) {
        V value = entries.get(schema);
        return value != null ? value : add(schema);
    }

    int size() {
        return entries.size();
    }

    private synchronized V add(Schema schema) {
        V value = entries.get(schema);
        if (value != null) {
            return value;
        }
        value = factory.apply(schema);
        Map<Schema, V> copy = entries.size() >= MAX_ENTRIES ? new IdentityHashMap<>() : new IdentityHashMap<>(entries);
        copy.put(schema, value);
        entries = copy;
        return value;
    }
}
