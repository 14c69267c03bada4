package io.cdcrunner.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes secrets out of text before it leaves the process: every configured secret value (the password keys, any
 * {@code processor.*} or {@code debezium.*} key whose name looks like a secret, misspelled ones included, and the
 * passwords inside configured JDBC URLs) becomes {@value Secret#MASK}, and so does any {@code password=...} or
 * {@code //user:password@} and SQL's {@code IDENTIFIED BY '...'} in the text, configured or not. Immutable.
 *
 * <p>Log lines, dead letters, CLI output and JMX attributes all pass through one instance: {@link #install} makes it
 * the process's, which the Logback converters ({@link io.cdcrunner.logging.MaskedMessageConverter} and its kin) and the
 * dead-letter model read, since neither is built by the daemon's wiring.
 */
public final class Redaction {

    /** Masks only the patterns; what is in force before a configuration is loaded. */
    public static final Redaction PATTERNS_ONLY = new Redaction(List.of());

    private static final Pattern URL_PASSWORD =
            Pattern.compile("(?i)((?:password|passwd|pwd)[=:])([^&;,\\s\"'<>()]+)");
    private static final Pattern URL_USER_INFO = Pattern.compile("(//[^/:@\\s]*:)([^/@\\s]+)(@)");
    /** A password in SQL: {@code IDENTIFIED BY 'x'}, {@code IDENTIFIED WITH plugin AS 'x'}, {@code PASSWORD('x')}. */
    /** A quoted password in a JAAS line ({@code sasl.jaas.config}): {@code password="x"}. */
    private static final Pattern QUOTED_PASSWORD = Pattern.compile("(?i)((?:password|passwd)\\s*=\\s*\")([^\"]*)(\")");
    private static final Pattern SQL_PASSWORD = Pattern.compile(
            "(?i)((?:IDENTIFIED(?:\\s+WITH\\s+\\S+)?\\s+(?:BY|AS)|PASSWORD\\s*\\(?)\\s*)('(?:[^'\\\\]|\\\\.|'')*')");
    private static volatile Redaction installed = PATTERNS_ONLY;
    /** Shorter values would mask ordinary words in log lines; a password this short is no protection anyway. */
    private static final int MIN_SECRET_LENGTH = 4;

    private final List<String> secrets;

    private Redaction(List<String> secrets) {
        // Longest first, so a secret that contains another is masked whole. A value a name only suggests is a
        // secret (true, 10) would mask positions and counts in every line: such values are not taken.
        this.secrets = secrets.stream().filter(Redaction::maskable).distinct()
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    private static boolean maskable(String secret) {
        return secret != null && secret.length() >= MIN_SECRET_LENGTH && !secret.equalsIgnoreCase("true")
                && !secret.equalsIgnoreCase("false") && !(secret.length() < 8 && secret.chars().allMatch(Character::isDigit));
    }

    /** The secrets of {@code config}. */
    public static Redaction of(RunnerConfig config) {
        return new Redaction(config.secretValues());
    }

    static List<String> secretsOf(Map<ConfigKey<?>, Object> values, Map<String, String> processorOptions,
                                  Map<String, String> debeziumOverrides, Map<String, String> kafkaClient) {
        Set<String> secrets = new LinkedHashSet<>();
        values.forEach((key, value) -> {
            if (value instanceof Secret secret) {
                secrets.add(secret.reveal());
            } else if (value instanceof String text) {
                secrets.addAll(passwordsIn(text));
            }
        });
        processorOptions.forEach((name, value) -> addIfSecret(secrets, name, value));
        debeziumOverrides.forEach((name, value) -> addIfSecret(secrets, name, value));
        kafkaClient.forEach((name, value) -> addIfSecret(secrets, name, value));
        return new ArrayList<>(secrets);
    }

    private static void addIfSecret(Set<String> secrets, String name, String value) {
        if (KeyNames.looksSecret(name)) {
            secrets.add(value);
        } else {
            secrets.addAll(passwordsIn(value));
            secrets.addAll(QUERY_SECRETS.matcher(value).results().map(m -> m.group(2)).toList());
        }
    }

    /**
     * A credential in a configured URL's query ({@code https://hooks/x?token=...}, {@code &api_key=},
     * {@code X-Amz-Signature=}, {@code client_secret=}): a parameter whose name holds a credential's word, with a value
     * of 8 characters or more (shorter ones, {@code ?key=orders}, would mask ordinary words in every line). Taken from
     * configured values only, where it is a URL's, not from every line of text.
     */
    private static final Pattern QUERY_SECRETS = Pattern.compile(
            "(?i)[?&]([a-z0-9_.-]*(?:token|secret|key|sig|auth|credential|password|code)[a-z0-9_.-]*)=([^&#\\s]{8,})");

    /** The passwords written into a URL: {@code password=...} in its query, {@code user:password@} before its host. */
    static List<String> passwordsIn(String text) {
        List<String> found = new ArrayList<>();
        Matcher query = URL_PASSWORD.matcher(text);
        while (query.find()) {
            found.add(query.group(2));
        }
        Matcher userInfo = URL_USER_INFO.matcher(text);
        while (userInfo.find()) {
            found.add(userInfo.group(2));
        }
        Matcher quoted = QUOTED_PASSWORD.matcher(text);
        while (quoted.find()) {
            found.add(quoted.group(2));
        }
        return found;
    }

    /** Makes this the process's redaction (see the class comment). */
    public static void install(Redaction redaction) {
        installed = redaction;
    }

    /** {@code text} through the process's redaction. */
    public static String mask(String text) {
        return installed.apply(text);
    }

    public String apply(String text) {
        if (text == null || text.isEmpty()) {
            return text == null ? "" : text;
        }
        String masked = text;
        for (String secret : secrets) {
            if (masked.contains(secret)) {
                masked = masked.replace(secret, Secret.MASK);
            }
        }
        masked = SQL_PASSWORD.matcher(masked).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "'" + Secret.MASK + "'"));
        masked = QUOTED_PASSWORD.matcher(masked).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + Secret.MASK + m.group(3)));
        masked = URL_PASSWORD.matcher(masked).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + Secret.MASK));
        return URL_USER_INFO.matcher(masked).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + Secret.MASK + m.group(3)));
    }
}
