package io.cdcrunner.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A check on a parsed value (see {@link ConfigType#parse}) plus the words that describe what it accepts,
 * so that the error message and the generated documentation come from the same place.
 */
public interface Validator {

    /** Whether the parsed value is acceptable. */
    boolean accepts(Object value);

    /** What is accepted, continuing the type's noun: "in 1..65535", "auto, mysql, mariadb"; may be empty. */
    String describe();

    /** A validator from a description and a predicate. */
    static Validator of(String description, Predicate<Object> test) {
        return new Validator() {
            @Override
            public boolean accepts(Object value) {
                return test.test(value);
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }

    /** Accepts every value of the type. */
    static Validator any() {
        return of("", value -> true);
    }

    /** A number in {@code min..max}, both included. */
    static Validator between(long min, long max) {
        return of("in " + min + ".." + max, value -> {
            long number = ((Number) value).longValue();
            return number >= min && number <= max;
        });
    }

    /** A number of at least {@code min}. */
    static Validator atLeast(long min) {
        return of(">= " + min, value -> ((Number) value).longValue() >= min);
    }

    /** A size of at least {@code min} bytes, described as {@link ConfigType#BYTES} writes it. */
    static Validator atLeastBytes(long min) {
        return of(">= " + ConfigType.bytesText(min), value -> ((Number) value).longValue() >= min);
    }

    /** A string matching the whole regular expression. */
    static Validator matching(String regex) {
        Pattern pattern = Pattern.compile(regex);
        return of("matching " + regex, value -> pattern.matcher((String) value).matches());
    }

    /** A string equal (ignoring case) to one of the allowed values. */
    static Validator oneOf(String... allowed) {
        List<String> values = List.of(allowed);
        return of(String.join(", ", values), value -> values.contains(lower(value)));
    }

    /** A constant of {@code type} (what {@link ConfigType#enumOf} parses), described by its names in declaration order. */
    static <E extends Enum<E>> Validator constantsOf(Class<E> type) {
        List<String> names = Arrays.stream(type.getEnumConstants()).map(ConfigType::configName).toList();
        return of(String.join(", ", names), type::isInstance);
    }

    /** A non-empty list whose every entry is (ignoring case) one of the allowed values. */
    static Validator nonEmptySubsetOf(String... allowed) {
        List<String> values = Arrays.asList(allowed);
        return of("of " + String.join(", ", values) + " (at least one)", value -> {
            List<?> list = (List<?>) value;
            return !list.isEmpty() && list.stream().allMatch(entry -> values.contains(lower(entry)));
        });
    }

    /** A list of regular expressions, each of the form {@code database.table}. */
    static Validator tableNames() {
        return of("of database.table names (regular expressions allowed)", value -> ((List<?>) value).stream()
                .map(String::valueOf)
                .allMatch(entry -> isRegex(entry) && entry.indexOf('.') > 0 && !entry.endsWith(".")));
    }

    /** A list of valid regular expressions. */
    static Validator regexes() {
        return of("of names (regular expressions allowed)",
                value -> ((List<?>) value).stream().map(String::valueOf).allMatch(Validator::isRegex));
    }

    /** One valid regular expression. */
    static Validator regex() {
        return of("a regular expression", value -> isRegex(String.valueOf(value)));
    }

    private static boolean isRegex(String text) {
        try {
            Pattern.compile(text);
            return true;
        } catch (PatternSyntaxException e) {
            return false;
        }
    }

    private static String lower(Object value) {
        return String.valueOf(value).toLowerCase(Locale.ROOT);
    }
}
