package io.cdcrunner.config;

import java.util.Objects;

/**
 * One thing wrong with the configuration.
 *
 * @param key        the key concerned, e.g. {@code source.port}
 * @param shownValue the value as it may be shown (secrets already masked); {@code null} when the key is not set
 * @param expected   what would be accepted, read after "expected": e.g. "an integer in 1..65535"
 * @param origin     where the value came from when not from the properties file, e.g. "env CDC_SOURCE_PORT"
 *                   or "-Dsource.port"; empty for the file or when not set
 */
public record ConfigProblem(String key, String shownValue, String expected, String origin) {

    public ConfigProblem {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(expected, "expected");
        origin = origin == null ? "" : origin;
    }

    /** A problem with a value from the properties file (or with no value). */
    public ConfigProblem(String key, String shownValue, String expected) {
        this(key, shownValue, expected, "");
    }

    /**
     * The problem as one line: {@code source.port = "70000": expected an integer in 1..65535}, with
     * {@code (from env CDC_SOURCE_PORT)} after the value when it did not come from the file.
     */
    @Override
    public String toString() {
        String where = origin.isEmpty() ? "" : " (from " + origin + ")";
        String value = shownValue == null ? " is not set" : " = \"" + shownValue + "\"";
        return key + value + where + ": expected " + expected;
    }
}
