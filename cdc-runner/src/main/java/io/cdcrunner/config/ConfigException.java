package io.cdcrunner.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The configuration cannot be used. The message lists every problem found, one per line, so a user fixes
 * them all in one go; secrets are masked. Thrown instead of exiting: the caller decides the exit code.
 */
public class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient List<ConfigProblem> problems;

    /** Every problem found in the keys, at least one. */
    public ConfigException(List<ConfigProblem> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    /** A problem before any key could be read, such as an unreadable properties file. */
    public ConfigException(String message, Throwable cause) {
        super(message, cause);
        this.problems = List.of();
    }

    /** The problems with individual keys, in the order found; empty if the file itself could not be read. */
    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String message(List<ConfigProblem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        String heading = problems.size() == 1
                ? "Invalid configuration (1 problem):"
                : "Invalid configuration (" + problems.size() + " problems):";
        return problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n", heading + "\n", ""));
    }
}
