package io.cdcrunner.config;

import io.cdcrunner.config.RawValue.Level;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads the three configuration levels and merges them, a higher level replacing a lower one key by key:
 * properties file &lt; {@code -D} system property &lt; environment variable.
 */
final class ConfigLevels {

    private static final String ENV_PREFIX = "CDC_";

    private ConfigLevels() {
    }

    /** Reads a properties file as UTF-8; any failure names the file. */
    static Properties readFile(Path file) throws ConfigException {
        if (Files.isDirectory(file)) {
            throw new ConfigException("configuration file " + file.toAbsolutePath()
                    + " is a directory: pass the path of a properties file", null);
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
            return properties;
        } catch (NoSuchFileException e) {
            throw new ConfigException("configuration file " + file.toAbsolutePath()
                    + " does not exist: pass the path of a properties file (config/cdc-runner.properties is a"
                    + " commented sample)", e);
        } catch (AccessDeniedException e) {
            throw new ConfigException("configuration file " + file.toAbsolutePath()
                    + " is not readable by this user: fix its permissions", e);
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: a malformed \\uXXXX escape, the only syntax error Properties knows.
            throw new ConfigException("cannot read configuration file " + file.toAbsolutePath() + ": " + e, e);
        }
    }

    /**
     * Merges the levels. System properties and environment variables outside the daemon's namespaces are
     * ignored, since the JVM and the shell carry many unrelated ones; a {@code CDC_} variable that looks
     * like a misspelt key is reported in {@code problems}.
     */
    private static final String JDK_JMX_PREFIX = "jmx.remote.x.";

    static SortedMap<String, RawValue> merge(Properties file, Properties systemProperties,
                                             Map<String, String> env, List<ConfigProblem> problems) {
        SortedMap<String, RawValue> merged = new TreeMap<>();
        for (String key : file.stringPropertyNames()) {
            merged.put(key, new RawValue(file.getProperty(key), Level.FILE, key));
        }
        for (String key : systemProperties.stringPropertyNames()) {
            // jmx.remote.x.* are the JDK's own JMX connector settings (the daemon sets one itself), not keys.
            if (RunnerKeys.isInNamespace(key) && !key.startsWith(JDK_JMX_PREFIX)) {
                merged.put(key, new RawValue(systemProperties.getProperty(key), Level.SYSTEM_PROPERTY, key));
            }
        }
        new TreeMap<>(env).forEach((variable, value) -> {
            if (variable.startsWith(ENV_PREFIX)) {
                Optional<String> key = keyForEnv(variable);
                if (key.isPresent()) {
                    merged.put(key.get(), new RawValue(value, Level.ENVIRONMENT, variable));
                } else {
                    reportIfMisspelt(variable, value, problems);
                }
            }
        });
        return merged;
    }

    /**
     * The key an environment variable sets: the declared key whose {@link ConfigKey#envName()} it is, else
     * {@code CDC_} stripped, lower-cased and '_' read as '.', if that lands in one of the namespaces.
     */
    static Optional<String> keyForEnv(String variable) {
        Optional<String> declared = RunnerKeys.ALL.stream()
                .filter(key -> key.envName().equals(variable))
                .map(ConfigKey::name)
                .findFirst();
        if (declared.isPresent() || !variable.startsWith(ENV_PREFIX)) {
            return declared;
        }
        String key = variable.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
        return RunnerKeys.isInNamespace(key) ? Optional.of(key) : Optional.empty();
    }

    private static void reportIfMisspelt(String variable, String value, List<ConfigProblem> problems) {
        String key = variable.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
        KeyNames.closestDeclared(key).ifPresent(near -> problems.add(new ConfigProblem(variable,
                near.secret() || KeyNames.looksSecret(key) ? Secret.MASK : value,
                "a known variable (unknown environment variable " + variable + "; did you mean "
                        + near.envName() + "?)",
                "environment")));
    }
}
