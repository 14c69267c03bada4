package io.cdcrunner.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/** {@code key=value} command-line arguments of the benchmark's child processes. */
record Args(Map<String, String> values) {

    static Args parse(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got '" + arg + "'");
            }
            values.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return new Args(values);
    }

    String get(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new NoSuchElementException("missing argument " + key + "=...");
        }
        return value;
    }

    String get(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    int getInt(String key) {
        return Integer.parseInt(get(key));
    }

    long getLong(String key) {
        return Long.parseLong(get(key));
    }

    static List<String> of(Map<String, ?> values) {
        return values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }
}
