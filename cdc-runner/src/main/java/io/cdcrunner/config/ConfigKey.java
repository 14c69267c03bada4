package io.cdcrunner.config;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The declaration of one configuration key: everything the parser, the error messages and the generated
 * documentation know about it. Keys are declared once, in {@link RunnerKeys}.
 *
 * @param name         the key as written in the properties file, e.g. {@code source.port}
 * @param type         how the text is parsed
 * @param defaultValue the value used when the key is not set, as text; {@code null} when there is none
 * @param required     whether the key must be set (then {@code defaultValue} is {@code null})
 * @param validator    what parsed values are accepted
 * @param doc          one sentence for the documentation
 * @param <T>          the Java type of the key's value ({@link #get} reads it as such)
 */
public record ConfigKey<T>(String name, ConfigType<T> type, String defaultValue, boolean required,
                           Validator validator, String doc) {

    public ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(validator, "validator");
        Objects.requireNonNull(doc, "doc");
        if (required && defaultValue != null) {
            throw new IllegalArgumentException(name + ": a required key has no default");
        }
        // A default that its own validator rejects would only surface at a user's start-up: fail at class load.
        if (defaultValue != null && !defaultValue.isBlank() && !validator.accepts(type.parse(defaultValue))) {
            throw new IllegalArgumentException(name + ": default '" + defaultValue + "' is rejected by its validator");
        }
    }

    /** A key that must be set. */
    public static <T> ConfigKey<T> required(String name, ConfigType<T> type, Validator validator, String doc) {
        return new ConfigKey<>(name, type, null, true, validator, doc);
    }

    /** A key that may be left unset; the settings then say what applies instead. */
    public static <T> ConfigKey<T> optional(String name, ConfigType<T> type, Validator validator, String doc) {
        return new ConfigKey<>(name, type, null, false, validator, doc);
    }

    /** A key with a default value. */
    public static <T> ConfigKey<T> withDefault(String name, ConfigType<T> type, String defaultValue, Validator validator,
                                               String doc) {
        return new ConfigKey<>(name, type, Objects.requireNonNull(defaultValue, "defaultValue"), false, validator,
                doc);
    }

    /** A key whose values are the constants of {@code type} ({@link ConfigType#enumOf}), {@code defaultValue} unless set. */
    public static <E extends Enum<E>> ConfigKey<E> choice(String name, Class<E> type, E defaultValue, String doc) {
        return new ConfigKey<>(name, ConfigType.enumOf(type), ConfigType.configName(defaultValue), false,
                Validator.constantsOf(type), doc);
    }

    /** The key's value among parsed {@code values} (null when unset and without a default). */
    public T get(java.util.Map<ConfigKey<?>, Object> values) {
        return type.cast(values.get(this));
    }

    /** Whether the value is a secret: never shown, always rendered as {@value Secret#MASK}. */
    public boolean secret() {
        return type.isSecret();
    }

    /** The default as text, if the key has one. */
    public Optional<String> defaultText() {
        return Optional.ofNullable(defaultValue);
    }

    /** What the key accepts, e.g. "an integer in 1..65535"; used after "expected" in error messages. */
    public String expected() {
        String constraint = validator.describe();
        return constraint.isEmpty() ? type.noun() : type.noun() + " " + constraint;
    }

    /** The environment variable that sets this key, e.g. {@code CDC_SOURCE_PORT}. */
    public String envName() {
        return envNameOf(name);
    }

    /** The environment variable form of any key name: {@code CDC_} + upper case, '.' and '-' as '_'. */
    public static String envNameOf(String key) {
        return "CDC_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
