package io.cdcrunner.config;

import static io.cdcrunner.config.ConfigFixtures.env;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.testkit.UnitTest;

@UnitTest
class ConfigDocsTest {

    /** The committed sample, relative to the cdc-runner module (Maven's working directory for tests). */
    static final Path SAMPLE = Path.of("..", "config", "cdc-runner.properties");

    @TempDir
    Path dir;

    @Test
    void theCommittedSampleMatchesTheDeclarations() throws IOException {
        assertThat(Files.exists(SAMPLE)).as("%s exists", SAMPLE.toAbsolutePath()).isTrue();
        String committed = Files.readString(SAMPLE, StandardCharsets.UTF_8);

        assertThat(committed)
                .as("config/cdc-runner.properties is out of date with io.cdcrunner.config.RunnerKeys; regenerate"
                        + " it from the repository root with: make config-docs")
                .isEqualTo(ConfigDocs.sampleProperties());
    }

    @Test
    void theSampleLoadsToTheDefaultsOnceTheRequiredKeysAreSet() throws ConfigException, IOException {
        Path sample = dir.resolve("sample.properties");
        Files.writeString(sample, ConfigDocs.sampleProperties(), StandardCharsets.UTF_8);

        ConfigException withoutRequired = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(sample, Map.of(), new Properties()));
        RunnerConfig loaded = ConfigLoader.load(sample,
                env("CDC_SOURCE_HOST", "db.example", "CDC_SOURCE_USER", "cdc"), new Properties());

        assertThat(withoutRequired.problems()).extracting(ConfigProblem::key)
                .containsExactly("source.host", "source.user");
        assertThat(loaded.describe()).isEqualTo(ConfigLoader.fromMap(ConfigFixtures.minimal()).describe());
    }

    @Test
    void theSampleShowsEveryKeyWithItsDefaultAndVariable() {
        String sample = ConfigDocs.sampleProperties();

        for (ConfigKey<?> key : RunnerKeys.ALL) {
            String line = (key.required() ? "" : "#") + key.name() + "=" + key.defaultText().orElse("");
            assertThat(sample).contains("\n" + line + "\n", "# Environment: " + key.envName() + "\n");
        }
    }

    @Test
    void theTableHasOneRowPerKeyWithTypeDefaultAndDescription() {
        String table = ConfigDocs.markdownTable();

        assertThat(table).startsWith("| Key | Type | Default | Description |\n| --- | --- | --- | --- |\n");
        // Header, separator, and the processor.*, kafka.client.* and debezium.* pass-through rows.
        assertThat(table.lines().count()).isEqualTo(RunnerKeys.ALL.size() + 5);
        assertThat(table).contains(
                "| `source.port` | integer in 1..65535 | `3306` | TCP port of the source server. |",
                "| `source.host` | string host, host:port, [IPv6]:port, or several separated by commas | **required** |",
                "| `processor.jdbc.url` | string | (unset) |",
                "| `source.tables` | comma-separated list of database.table names (regular expressions allowed)"
                        + " | (empty) |");
    }

    @Test
    void theReferenceSectionIsReplacedBetweenTheMarkers() throws IOException {
        Path document = dir.resolve("configuration.md");
        Files.writeString(document, "# Title\n" + ConfigReference.START + "\nold table\n" + ConfigReference.END
                + "\nmore\n");

        ConfigReference.update(document);

        String text = Files.readString(document);
        assertThat(text).isEqualTo("# Title\n" + ConfigReference.START + "\n" + ConfigDocs.markdownTable()
                + ConfigReference.END + "\nmore\n");
        assertThat(ConfigReference.section(text)).contains("\n" + ConfigDocs.markdownTable());
    }

    @Test
    void aDocumentWithoutMarkersIsNotTouched() {
        assertThat(ConfigReference.section("# Title\n")).isEmpty();
        assertThatThrownBy(() -> ConfigReference.withCurrentTable("# Title\n"))
                .hasMessageContaining(ConfigReference.START);
    }
}
