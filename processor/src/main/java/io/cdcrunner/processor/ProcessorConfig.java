package io.cdcrunner.processor;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The processor's own configuration: every {@code processor.*} key of the properties file that the daemon
 * does not declare itself, with the {@code processor.} prefix removed ({@code processor.family.table}
 * becomes {@code family.table}).
 *
 * <p>The daemon remembers which keys the processor read in {@link EventProcessor#open}; a key that nobody
 * read is reported as unknown and the daemon does not start, so a typo never goes unnoticed.
 */
public final class ProcessorConfig {

    private final Map<String, String> values;
    private final Set<String> read = ConcurrentHashMap.newKeySet();

    public ProcessorConfig(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /** The value of a required key. */
    public String get(String key) {
        return find(key).orElseThrow(() -> new IllegalArgumentException(
                "missing required key processor." + key + ": set it in the properties file"));
    }

    public String get(String key, String defaultValue) {
        return find(key).orElse(defaultValue);
    }

    public Optional<String> find(String key) {
        read.add(key);
        String value = values.get(key);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public int getInt(String key, int defaultValue) {
        Optional<String> value = find(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.get());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("processor." + key + "=" + value.get() + " is not an integer");
        }
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        Optional<String> value = find(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        return switch (value.get().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(
                    "processor." + key + "=" + value.get() + " must be true or false");
        };
    }

    /** All keys given, without the {@code processor.} prefix. */
    public Set<String> keys() {
        return values.keySet();
    }

    /** The keys the processor asked for so far, given or not. */
    public Set<String> readKeys() {
        return Set.copyOf(read);
    }

    /** Keys given in the configuration but never read by the processor: probable typos. */
    public Set<String> unreadKeys() {
        Set<String> unread = new java.util.TreeSet<>(values.keySet());
        unread.removeAll(read);
        return unread;
    }
}
