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

/** The configuration reference in docs/configuration.md is the table generated from the key declarations. */
@UnitTest
class ConfigReferenceDocTest {

    /** The configuration document, relative to the cdc-runner module (Maven's working directory for tests). */
    static final Path DOCUMENT = Path.of("..", "docs", "configuration.md");

    private static final String REGENERATE = "regenerate it from the repository root with: make config-docs";

    @Test
    void theConfigurationDocumentShowsTheGeneratedReference() throws IOException {
        if (!Files.exists(DOCUMENT)) {
            fail(DOCUMENT.toAbsolutePath() + " does not exist: add docs/configuration.md with the lines "
                    + ConfigReference.START + " and " + ConfigReference.END + " where the configuration table"
                    + " belongs, then " + REGENERATE);
        }
        Optional<String> section = ConfigReference.section(Files.readString(DOCUMENT, StandardCharsets.UTF_8));
        if (section.isEmpty()) {
            fail("docs/configuration.md lacks the markers " + ConfigReference.START + " and " + ConfigReference.END
                    + ": add them, on lines of their own and in that order, where the configuration table belongs,"
                    + " then " + REGENERATE);
        }
        assertThat(section.get().strip())
                .as("the configuration table in docs/configuration.md is out of date; " + REGENERATE)
                .isEqualTo(ConfigDocs.markdownTable().strip());
    }
}
