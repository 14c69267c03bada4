package io.cdcrunner.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import io.cdcrunner.config.ConfigException;
import io.cdcrunner.config.ConfigLoader;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.testdb.TestDatabase;

/** Builds daemon configurations pointing at a {@link TestDatabase}, as a user's properties file would. */
public final class TestPipelines {

    public static final String USER = "cdc";
    public static final String PASSWORD = "cdc-test-secret";

    private TestPipelines() {
    }

    /** Writes a properties file for {@code db} with {@code overrides} and loads it (no env, no -D). */
    public static RunnerConfig config(TestDatabase db, Path stateDir, Map<String, String> overrides) {
        Path file = writeProperties(db, stateDir, overrides);
        try {
            return ConfigLoader.load(file, Map.of(), new Properties());
        } catch (ConfigException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public static Path writeProperties(TestDatabase db, Path stateDir, Map<String, String> overrides) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("pipeline.name", "test");
        props.put("source.host", db.host());
        props.put("source.port", String.valueOf(db.port()));
        props.put("source.user", USER);
        props.put("source.password", PASSWORD);
        props.put("state.dir", stateDir.toString());
        props.put("state.offset.flush.interval.ms", "100");
        props.put("engine.poll.interval.ms", "5");
        props.put("shutdown.timeout.ms", "20000");
        props.put("processor.class", RecordingProcessor.class.getName());
        props.putAll(overrides);
        StringBuilder text = new StringBuilder();
        props.forEach((k, v) -> text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        try {
            Path file = Files.createTempFile(stateDir.getParent(), "cdc-runner-", ".properties");
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
