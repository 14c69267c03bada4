package io.cdcrunner.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The type of a configuration key: how its text is parsed into a Java value and how it is rendered back.
 *
 * <p>{@link #parse} throws {@link IllegalArgumentException} when the text is not of the type; the caller
 * turns that into a {@link ConfigProblem} naming what was expected. Range and membership checks belong to
 * the key's {@link Validator}, not to the type.
 */
public enum ConfigType {
    /** Text, trimmed. Parsed to {@link String}. */
    STRING("a string"),
    /** A 32-bit integer. Parsed to {@link Integer}. */
    INT("an integer"),
    /** A 64-bit integer. Parsed to {@link Long}. */
    LONG("an integer"),
    /** {@code true} or {@code false}, any case. Parsed to {@link Boolean}. */
    BOOLEAN("true or false"),
    /** A non-negative number of milliseconds. Parsed to {@link Long}. */
    DURATION_MS("a duration in milliseconds"),
    /** A file system path, relative to the working directory unless absolute. Parsed to {@link Path}. */
    PATH("a file path"),
    /** A fully qualified Java class name; the class itself is loaded by whoever uses it. Parsed to String. */
    CLASS("a fully qualified class name"),
    /** Comma-separated values, each trimmed, empty entries dropped. Parsed to {@code List<String>}. */
    LIST("a comma-separated list"),
    /** One of a fixed set of values (the key's validator lists them), lower-cased. Parsed to String. */
    ENUM("one of"),
    /** A secret, not trimmed. Parsed to {@link Secret}; never shown in messages or logs. */
    PASSWORD("a password");

    private static final Pattern CLASS_NAME =
            Pattern.compile("([\\p{L}_$][\\p{L}\\p{N}_$]*\\.)*[\\p{L}_$][\\p{L}\\p{N}_$]*");

    private final String noun;

    ConfigType(String noun) {
        this.noun = noun;
    }

    /** How a value of this type is described to a user, e.g. "an integer". */
    public String noun() {
        return noun;
    }

    /** Parses text into this type's Java value; throws {@link IllegalArgumentException} if it is not of the type. */
    public Object parse(String text) {
        String trimmed = text.trim();
        return switch (this) {
            case STRING -> trimmed;
            case INT -> Integer.parseInt(trimmed);
            case LONG -> Long.parseLong(trimmed);
            case BOOLEAN -> parseBoolean(trimmed);
            case DURATION_MS -> parseDuration(trimmed);
            case PATH -> parsePath(trimmed);
            case CLASS -> parseClassName(trimmed);
            case LIST -> parseList(trimmed);
            case ENUM -> trimmed.toLowerCase(Locale.ROOT);
            // Spaces may be part of a password: keep the text exactly as given.
            case PASSWORD -> new Secret(text);
        };
    }

    /** Renders a parsed value as it would be written in a properties file; secrets are masked. */
    public String render(Object value) {
        if (this == PASSWORD) {
            return Secret.MASK;
        }
        if (value instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        return String.valueOf(value);
    }

    private static Boolean parseBoolean(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("not a boolean");
        };
    }

    private static Long parseDuration(String text) {
        long millis = Long.parseLong(text);
        if (millis < 0) {
            throw new IllegalArgumentException("negative duration");
        }
        return millis;
    }

    private static Path parsePath(String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("not a path", e);
        }
    }

    private static String parseClassName(String text) {
        if (!CLASS_NAME.matcher(text).matches()) {
            throw new IllegalArgumentException("not a class name");
        }
        return text;
    }

    private static List<String> parseList(String text) {
        return Arrays.stream(text.split(","))
                .map(String::trim)
                .filter(entry -> !entry.isEmpty())
                .toList();
    }
}
