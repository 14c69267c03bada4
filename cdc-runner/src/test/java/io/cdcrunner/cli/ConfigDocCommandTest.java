package io.cdcrunner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.config.ConfigDocs;
import io.cdcrunner.config.ConfigReference;
import io.cdcrunner.testkit.UnitTest;

/** {@code config-doc}: what {@code make config-docs} runs to keep docs/configuration.md and the sample true to the keys. */
@UnitTest
class ConfigDocCommandTest {

    @TempDir
    Path dir;

    @Test
    void writesTheSampleAndTheReferenceSectionAndRefusesAnUnknownFormat() throws Exception {
        Path sample = dir.resolve("cdc-runner.properties");
        assertThat(CommandRun.of("config-doc", "sample", "--write", sample.toString()).exitCode()).isZero();
        assertThat(Files.readString(sample)).isEqualTo(ConfigDocs.sampleProperties());

        Path document = dir.resolve("configuration.md");
        Files.writeString(document, "intro\n" + ConfigReference.START + "\nold\n" + ConfigReference.END + "\nrest\n");
        assertThat(CommandRun.of("config-doc", "reference", "--write", document.toString()).exitCode()).isZero();
        assertThat(Files.readString(document)).contains(ConfigDocs.markdownTable()).doesNotContain("\nold\n").endsWith("rest\n");

        Path unmarked = dir.resolve("plain.md");
        Files.writeString(unmarked, "no markers\n");
        CommandRun refused = CommandRun.of("config-doc", "reference", "--write", unmarked.toString());
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(refused.err()).contains(ConfigReference.START);
        assertThat(CommandRun.of("config-doc", "html").exitCode()).isEqualTo(2);
    }
}
