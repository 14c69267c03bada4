package io.cdcrunner.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** Builds configuration inputs for tests: the two required keys plus whatever a test adds. */
final class ConfigFixtures {

    private ConfigFixtures() {
    }

    /** The smallest valid configuration, plus the given keys (key, value, key, value...). */
    static Map<String, String> minimal(String... keyValues) {
        Map<String, String> map = new HashMap<>(Map.of("source.host", "db.example", "source.user", "cdc"));
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    /** Writes the lines as a properties file in the directory and returns its path. */
    static Path propertiesFile(Path dir, String... lines) throws IOException {
        Path file = dir.resolve("test.properties");
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        return file;
    }

    static Properties sysprops(String... keyValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    static Map<String, String> env(String... keyValues) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return env;
    }
}
