package io.cdcrunner.config;

import static io.cdcrunner.config.RunnerKeys.SOURCE_PASSWORD;
import static io.cdcrunner.config.RunnerKeys.SOURCE_PASSWORD_FILE;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Applies {@code source.password.file}: the file's content becomes the source password. Setting both it and
 * {@code source.password} is an error, since it is unclear which one the user meant.
 */
final class PasswordResolver {

    private final Map<String, RawValue> raw;
    private final Map<ConfigKey<?>, Object> values;
    private final List<ConfigProblem> problems;

    PasswordResolver(Map<String, RawValue> raw, Map<ConfigKey<?>, Object> values, List<ConfigProblem> problems) {
        this.raw = raw;
        this.values = values;
        this.problems = problems;
    }

    void resolve() {
        if (!(values.get(SOURCE_PASSWORD_FILE) instanceof Path file)) {
            return;
        }
        RawValue fileValue = raw.get(SOURCE_PASSWORD_FILE.name());
        RawValue password = raw.get(SOURCE_PASSWORD.name());
        if (password != null && !password.text().isBlank()) {
            String where = password.origin().isEmpty() ? "" : " (from " + password.origin() + ")";
            problems.add(new ConfigProblem(SOURCE_PASSWORD_FILE.name(), file.toString(),
                    "either source.password or source.password.file, not both: source.password is also set"
                            + where + "; remove one of them",
                    fileValue.origin()));
            return;
        }
        try {
            values.put(SOURCE_PASSWORD, new Secret(stripTrailingNewlines(Files.readString(file,
                    StandardCharsets.UTF_8))));
        } catch (IOException e) {
            problems.add(new ConfigProblem(SOURCE_PASSWORD_FILE.name(), file.toString(),
                    "a readable file holding the password, but " + reason(file, e), fileValue.origin()));
        }
    }

    private static String stripTrailingNewlines(String text) {
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        return text.substring(0, end);
    }

    private static String reason(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return "the file " + file.toAbsolutePath() + " does not exist";
        }
        if (Files.isDirectory(file)) {
            return file.toAbsolutePath() + " is a directory";
        }
        if (e instanceof AccessDeniedException) {
            return "the file " + file.toAbsolutePath() + " is not readable by this user";
        }
        // Only the exception type: the message of a decoding error could quote bytes of the secret.
        return "reading " + file.toAbsolutePath() + " failed (" + e.getClass().getSimpleName() + ")";
    }
}
