package io.cdcrunner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.config.ConfigDocs;
import io.cdcrunner.config.ReadmeReference;
import io.cdcrunner.testkit.UnitTest;

/** {@code config-doc}: what {@code make config-docs} runs to keep the README and the sample true to the keys. */
@UnitTest
class ConfigDocCommandTest {

    @TempDir
    Path dir;

    @Test
    void writesTheSampleAndTheReadmeSectionAndRefusesAnUnknownFormat() throws Exception {
        Path sample = dir.resolve("cdc-runner.properties");
        assertThat(CommandRun.of("config-doc", "sample", "--write", sample.toString()).exitCode()).isZero();
        assertThat(Files.readString(sample)).isEqualTo(ConfigDocs.sampleProperties());

        Path readme = dir.resolve("README.md");
        Files.writeString(readme, "intro\n" + ReadmeReference.START + "\nold\n" + ReadmeReference.END + "\nrest\n");
        assertThat(CommandRun.of("config-doc", "readme", "--write", readme.toString()).exitCode()).isZero();
        assertThat(Files.readString(readme)).contains(ConfigDocs.markdownTable()).doesNotContain("\nold\n").endsWith("rest\n");

        Path unmarked = dir.resolve("plain.md");
        Files.writeString(unmarked, "no markers\n");
        CommandRun refused = CommandRun.of("config-doc", "readme", "--write", unmarked.toString());
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(refused.err()).contains(ReadmeReference.START);
        assertThat(CommandRun.of("config-doc", "html").exitCode()).isEqualTo(2);
    }
}
