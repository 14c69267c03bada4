package io.cdcrunner.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;

/**
 * Loads the daemon's configuration from three levels, each key taken from the highest level that sets it:
 * <ol>
 *   <li>the properties file (UTF-8);</li>
 *   <li>JVM system properties ({@code -Dsource.port=3307}), only those under {@code pipeline.},
 *       {@code source.}, {@code state.}, {@code processor.}, {@code engine.}, {@code shutdown.} or
 *       {@code debezium.};</li>
 *   <li>environment variables: {@code CDC_} followed by the key in upper case with '.' and '-' written as
 *       '_' ({@code CDC_SOURCE_PASSWORD} sets {@code source.password}). A variable that is no declared key's
 *       name is read as {@code CDC_} stripped, lower case, '_' as '.' ({@code CDC_PROCESSOR_FAMILY_TABLE}
 *       sets {@code processor.family.table}); other {@code CDC_} variables are ignored unless they look like
 *       a misspelt key, which is an error.</li>
 * </ol>
 * A blank value means "not set": the key's default applies (a required key is then reported missing).
 * Every problem is collected and thrown together in one {@link ConfigException}; nothing here exits the JVM or
 * logs.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /** Loads from the file, this JVM's system properties and this process's environment. */
    public static RunnerConfig load(Path file) throws ConfigException {
        return load(file, System.getenv(), System.getProperties());
    }

    /** Loads from the file and the given system properties and environment (tests inject their own). */
    public static RunnerConfig load(Path file, Map<String, String> env, Properties systemProperties)
            throws ConfigException {
        return parse(ConfigLevels.readFile(file), systemProperties, env);
    }

    /** Parses the given keys alone, as if they were the whole properties file and nothing else were set. */
    public static RunnerConfig fromMap(Map<String, String> properties) throws ConfigException {
        Properties file = new Properties();
        file.putAll(properties);
        return parse(file, new Properties(), Map.of());
    }

    private static RunnerConfig parse(Properties file, Properties systemProperties, Map<String, String> env)
            throws ConfigException {
        List<ConfigProblem> problems = new ArrayList<>();
        SortedMap<String, RawValue> merged = ConfigLevels.merge(file, systemProperties, env, problems);
        return new ConfigParser(merged, problems).parse();
    }
}
