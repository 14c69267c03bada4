package io.cdcrunner.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.config.ConfigException;
import io.cdcrunner.config.ConfigLoader;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.testkit.UnitTest;

/** Choosing and configuring the store from the properties file. */
@UnitTest
class DeadLetterStoresTest {

    private static final String SECRET = "s3cret-source-password";

    @TempDir
    Path temp;

    private RunnerConfig config(Map<String, String> extra) throws Exception {
        Map<String, String> props = new java.util.LinkedHashMap<>();
        props.put("pipeline.name", "orders");
        props.put("source.host", "127.0.0.1");
        props.put("source.user", "cdc");
        props.put("source.password", SECRET);
        props.put("state.dir", temp.resolve("state").toString());
        props.putAll(extra);
        Path file = temp.resolve("runner.properties");
        Files.writeString(file, props.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n")));
        return ConfigLoader.load(file, Map.of(), new Properties());
    }

    @Test
    void byDefaultTheStoreIsAJsonLinesFileInTheStateDirectoryHoldingNoConfiguration() throws Exception {
        RunnerConfig config = config(Map.of());
        try (DeadLetterStore store = DeadLetterStores.open(config)) {
            assertThat(store).isInstanceOf(JsonLinesDeadLetterStore.class);
            assertThat(((JsonLinesDeadLetterStore) store).file())
                    .isEqualTo(temp.resolve("state").resolve("dead-letters.jsonl").toAbsolutePath());
            store.add(TestLetters.letter(1, 1));
        }
        String content = Files.readString(temp.resolve("state").resolve("dead-letters.jsonl"));
        assertThat(content).contains("boom 1").doesNotContain(SECRET, "127.0.0.1", "source.");
    }

    @Test
    void anUnknownClassIsAConfigurationProblemNamingTheKeyAndTheChoices() throws Exception {
        RunnerConfig config = config(Map.of("deadletter.store", "com.example.NoSuchStore"));

        assertThatThrownBy(() -> DeadLetterStores.open(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("deadletter.store")
                .hasMessageContaining("com.example.NoSuchStore")
                .hasMessageContaining(JsonLinesDeadLetterStore.class.getName())
                .hasMessageContaining(JdbcDeadLetterStore.class.getName())
                .hasMessageContaining("ext/");
    }

    @Test
    void aClassThatIsNoStoreIsRefused() throws Exception {
        RunnerConfig config = config(Map.of("deadletter.store", "java.lang.String"));

        assertThatThrownBy(() -> DeadLetterStores.open(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("deadletter.store")
                .hasMessageContaining("does not implement DeadLetterStore");
    }

    @Test
    void theJdbcSettingsDefaultToTheProcessorsThenToTheSourcesAndStayMasked() throws Exception {
        DeadLetterStoreContext sourceOnly = DeadLetterStores.context(config(Map.of()));
        assertThat(sourceOnly.jdbcUrl()).startsWith("jdbc:mysql://127.0.0.1:3306/");
        assertThat(sourceOnly.jdbcUser()).isEqualTo("cdc");
        assertThat(sourceOnly.jdbcPassword().reveal()).isEqualTo(SECRET);
        assertThat(sourceOnly.pipelineName()).isEqualTo("orders");
        assertThat(sourceOnly.toString()).doesNotContain(SECRET, "jdbc:");

        DeadLetterStoreContext processors = DeadLetterStores.context(config(Map.of(
                "processor.jdbc.url", "jdbc:mysql://app-db:3306/app", "processor.jdbc.user", "app")));
        assertThat(processors.jdbcUrl()).isEqualTo("jdbc:mysql://app-db:3306/app");
        assertThat(processors.jdbcUser()).isEqualTo("app");

        DeadLetterStoreContext own = DeadLetterStores.context(config(Map.of(
                "processor.jdbc.url", "jdbc:mysql://app-db:3306/app",
                "deadletter.jdbc.url", "jdbc:mysql://ops-db:3306/", "deadletter.jdbc.user", "ops",
                "deadletter.jdbc.password", "ops-pw", "deadletter.jdbc.table", "ops.failed")));
        assertThat(own.jdbcUrl()).isEqualTo("jdbc:mysql://ops-db:3306/");
        assertThat(own.jdbcUser()).isEqualTo("ops");
        assertThat(own.jdbcPassword().reveal()).isEqualTo("ops-pw");
        assertThat(own.settings().jdbcTable()).isEqualTo("ops.failed");
    }
}
