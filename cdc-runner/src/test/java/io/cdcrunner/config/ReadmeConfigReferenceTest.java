package io.cdcrunner.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

import io.cdcrunner.testkit.UnitTest;

/** The configuration reference in the README is the table generated from the key declarations. */
@UnitTest
class ReadmeConfigReferenceTest {

    /** The repository's README, relative to the cdc-runner module (Maven's working directory for tests). */
    static final Path README = Path.of("..", "README.md");

    private static final String REGENERATE = "regenerate it from the repository root with: make config-docs";

    @Test
    void theReadmeShowsTheGeneratedReference() throws IOException {
        if (!Files.exists(README)) {
            fail(README.toAbsolutePath() + " does not exist: add a README.md with the lines "
                    + ReadmeReference.START + " and " + ReadmeReference.END + " where the configuration table"
                    + " belongs, then " + REGENERATE);
        }
        Optional<String> section = ReadmeReference.section(Files.readString(README, StandardCharsets.UTF_8));
        if (section.isEmpty()) {
            fail("README.md lacks the markers " + ReadmeReference.START + " and " + ReadmeReference.END
                    + ": add them, on lines of their own and in that order, where the configuration table belongs,"
                    + " then " + REGENERATE);
        }
        assertThat(section.get().strip())
                .as("the configuration table in README.md is out of date; " + REGENERATE)
                .isEqualTo(ConfigDocs.markdownTable().strip());
    }
}
