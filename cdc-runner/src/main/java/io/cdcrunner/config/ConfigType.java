package io.cdcrunner.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The type of a configuration key: how its text is parsed into a Java value of type {@code T} and how it is rendered
 * back.
 *
 * <p>{@link #parse} throws {@link IllegalArgumentException} when the text is not of the type; the caller
 * turns that into a {@link ConfigProblem} naming what was expected. Range and membership checks belong to
 * the key's {@link Validator}, not to the type.
 *
 * @param <T> the Java type of the parsed value
 */
public final class ConfigType<T> {

    private static final Pattern CLASS_NAME =
            Pattern.compile("([\\p{L}_$][\\p{L}\\p{N}_$]*\\.)*[\\p{L}_$][\\p{L}\\p{N}_$]*");

    /** Text, trimmed. */
    public static final ConfigType<String> STRING = new ConfigType<>("a string", String.class, text -> text);
    /** A 32-bit integer. */
    public static final ConfigType<Integer> INT = new ConfigType<>("an integer", Integer.class, Integer::parseInt);
    /** A 64-bit integer. */
    public static final ConfigType<Long> LONG = new ConfigType<>("an integer", Long.class, Long::parseLong);
    /** {@code true} or {@code false}, any case. */
    public static final ConfigType<Boolean> BOOLEAN =
            new ConfigType<>("true or false", Boolean.class, ConfigType::parseBoolean);
    /** A non-negative number of milliseconds. */
    public static final ConfigType<Long> DURATION_MS =
            new ConfigType<>("a duration in milliseconds", Long.class, ConfigType::parseDuration);
    /** A number of bytes, with an optional suffix {@code k}, {@code m} or {@code g} (KiB, MiB, GiB) as in {@code -Xmx}. */
    public static final ConfigType<Long> BYTES =
            new ConfigType<>("a size in bytes (suffix k, m or g)", Long.class, ConfigType::parseBytes);
    /** A file system path, relative to the working directory unless absolute. */
    public static final ConfigType<Path> PATH = new ConfigType<>("a file path", Path.class, ConfigType::parsePath);
    /** A fully qualified Java class name; the class itself is loaded by whoever uses it. */
    public static final ConfigType<String> CLASS =
            new ConfigType<>("a fully qualified class name", String.class, ConfigType::parseClassName);
    /** Comma-separated values, each trimmed, empty entries dropped. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static final ConfigType<List<String>> LIST =
            new ConfigType<>("a comma-separated list", (Class<List<String>>) (Class) List.class, ConfigType::parseList);
    /** A secret, not trimmed (spaces may be part of a password); never shown in messages or logs. */
    public static final ConfigType<Secret> PASSWORD = new ConfigType<>("a password", Secret.class, Secret::new, false);

    private final String noun;
    private final Class<T> javaType;
    private final Function<String, T> parser;
    private final boolean trimmed;

    private ConfigType(String noun, Class<T> javaType, Function<String, T> parser) {
        this(noun, javaType, parser, true);
    }

    private ConfigType(String noun, Class<T> javaType, Function<String, T> parser, boolean trimmed) {
        this.noun = noun;
        this.javaType = javaType;
        this.parser = parser;
        this.trimmed = trimmed;
    }

    /**
     * One of the constants of {@code type}, written as its name in lower case with {@code -} for {@code _}
     * ({@code DEAD_LETTER} is {@code dead-letter}); any case is read.
     */
    public static <E extends Enum<E>> ConfigType<E> enumOf(Class<E> type) {
        return new ConfigType<>("one of", type, text -> {
            for (E constant : type.getEnumConstants()) {
                if (configName(constant).equalsIgnoreCase(text)) {
                    return constant;
                }
            }
            throw new IllegalArgumentException("not a " + type.getSimpleName());
        });
    }

    /** How an enum constant is written in a properties file: {@code DEAD_LETTER} is {@code dead-letter}. */
    public static String configName(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** How a value of this type is described to a user, e.g. "an integer". */
    public String noun() {
        return noun;
    }

    /** Whether values of this type are secrets: never shown, always rendered as {@value Secret#MASK}. */
    public boolean isSecret() {
        return javaType == Secret.class;
    }

    /** Parses text into this type's Java value; throws {@link IllegalArgumentException} if it is not of the type. */
    public T parse(String text) {
        return parser.apply(trimmed ? text.trim() : text);
    }

    /** A parsed value (or null) as this type. */
    public T cast(Object value) {
        return javaType.cast(value);
    }

    /** Renders a parsed value as it would be written in a properties file; secrets are masked. */
    public String render(Object value) {
        if (isSecret()) {
            return Secret.MASK;
        }
        if (value instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        if (value instanceof Enum<?> constant) {
            return configName(constant);
        }
        if (this == BYTES && value instanceof Long bytes) {
            return bytesText(bytes);
        }
        return String.valueOf(value);
    }

    /** A number of bytes as {@link #BYTES} reads it, with the largest suffix that keeps it exact: 16777216 is 16m. */
    public static String bytesText(long bytes) {
        String[] suffixes = {"g", "m", "k"};
        for (int i = 0; i < suffixes.length; i++) {
            long unit = 1L << (10 * (suffixes.length - i));
            if (bytes != 0 && bytes % unit == 0) {
                return bytes / unit + suffixes[i];
            }
        }
        return String.valueOf(bytes);
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

    private static Long parseBytes(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        int shift = switch (lower.isEmpty() ? ' ' : lower.charAt(lower.length() - 1)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            default -> 0;
        };
        long number = Long.parseLong(shift == 0 ? lower : lower.substring(0, lower.length() - 1).trim());
        if (number < 0 || number > Long.MAX_VALUE >> shift) {
            throw new IllegalArgumentException("not a size");
        }
        return number << shift;
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
