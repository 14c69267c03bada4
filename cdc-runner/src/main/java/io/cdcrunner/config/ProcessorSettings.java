package io.cdcrunner.config;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What to run: the {@code processor.*} keys.
 *
 * @param className    {@code processor.class}; not loaded yet, the caller instantiates it
 * @param jdbc         {@code processor.jdbc.url/user/password}, each else the source server's
 * @param poolSize     {@code processor.jdbc.pool.size}
 * @param options      every other {@code processor.*} key, prefix removed, for
 *                     {@link io.cdcrunner.processor.ProcessorConfig}; sorted by key
 */
public record ProcessorSettings(String className, JdbcTarget jdbc, int poolSize, Map<String, String> options) {

    public ProcessorSettings {
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(jdbc, "jdbc");
        options = Collections.unmodifiableMap(new TreeMap<>(options));
    }

    /** Like the generated one, but option values whose names suggest a secret are masked. */
    @Override
    public String toString() {
        String shownOptions = options.entrySet().stream()
                .map(e -> e.getKey() + "=" + (KeyNames.looksSecret(e.getKey()) ? Secret.MASK : e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
        return "ProcessorSettings[className=" + className + ", jdbc=" + jdbc + ", poolSize=" + poolSize + ", options=" + shownOptions + "]";
    }
}
