package io.cdcrunner.config;

import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Rules about key names that are not part of any one declaration: typo suggestions and secret-looking names. */
public final class KeyNames {

    // Pass-through keys are not declared, so whether they hold a secret can only be guessed from the name.
    private static final Pattern SECRET_NAME =
            Pattern.compile(".*(password|passwd|secret|token|credential|private|apikey|api\\.key|access\\.key|jaas).*");
    /**
     * Name parts that are a secret's name on their own ({@code db.pass}, {@code jdbc.pwd}); a header's value
     * ({@code processor.http.header.Authorization}) is taken for one too: headers carry credentials.
     */
    private static final java.util.Set<String> SECRET_PARTS =
            java.util.Set.of("pass", "pwd", "pw", "key", "header", "headers", "authorization", "cookie");

    private KeyNames() {
    }

    /** The declared key nearest to a mistyped name, if one is near enough to be a plausible typo. */
    static Optional<ConfigKey<?>> closestDeclared(String name) {
        // A name missing its last part ("shutdown.timeout" for "shutdown.timeout.ms") is far in edits, yet clear.
        Optional<ConfigKey<?>> extended = RunnerKeys.ALL.stream()
                .filter(key -> key.name().startsWith(name + "."))
                .min(Comparator.comparingInt(key -> key.name().length()));
        if (extended.isPresent()) {
            return extended;
        }
        ConfigKey<?> best = RunnerKeys.ALL.stream()
                .min(Comparator.comparingInt(key -> distance(name, key.name())))
                .orElseThrow();
        int limit = Math.max(2, name.length() / 4);
        return distance(name, best.name()) <= limit ? Optional.of(best) : Optional.empty();
    }

    /** The candidate {@code name} is most likely a misspelling of, if any is close enough. */
    public static Optional<String> closest(String name, java.util.Collection<String> candidates) {
        return candidates.stream().filter(c -> !c.equals(name))
                .min(Comparator.comparingInt(c -> distance(name, c)))
                .filter(c -> distance(name, c) <= Math.max(2, name.length() / 4));
    }

    /** Secret words and how many typing mistakes still count as them. */
    private static final Map<String, Integer> SECRET_WORDS = Map.of("password", 2, "passwd", 1, "secret", 1,
            "token", 1, "credential", 2, "credentials", 2, "apikey", 1);

    /**
     * Whether an undeclared key's value should be masked because its name suggests a secret: it contains a secret
     * word, or a part of it is one misspelled ({@code processor.jdbc.pasword}, {@code processor.api.tokn}).
     */
    public static boolean looksSecret(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (SECRET_NAME.matcher(lower).matches()) {
            return true;
        }
        for (String part : lower.split("[._-]")) {
            if (SECRET_PARTS.contains(part)) {
                return true;
            }
            for (Map.Entry<String, Integer> word : SECRET_WORDS.entrySet()) {
                if (part.length() >= 4 && distance(part, word.getKey()) <= word.getValue()) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Edit distance where swapping two neighbouring characters counts as one edit (optimal string alignment),
     * since "hots" for "host" is the typical typo.
     */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
