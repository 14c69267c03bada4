package io.cdcrunner.config;

import static io.cdcrunner.config.ConfigFixtures.env;
import static io.cdcrunner.config.ConfigFixtures.minimal;
import static io.cdcrunner.config.ConfigFixtures.propertiesFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.testkit.UnitTest;

/** Passwords: where they come from, and that they never show. */
@UnitTest
class SecretHandlingTest {

    private static final String PASSWORD = "hunter2-very-secret";

    @TempDir
    Path dir;

    @Test
    void thePasswordIsReadFromTheFileWithoutItsTrailingNewline() throws Exception {
        Path secret = dir.resolve("password.txt");
        Files.writeString(secret, PASSWORD + "\r\n", StandardCharsets.UTF_8);

        RunnerConfig config = ConfigLoader.fromMap(minimal("source.password.file", secret.toString()));

        assertThat(config.source().password().reveal()).isEqualTo(PASSWORD);
        assertThat(config.processor().jdbc().password().reveal()).isEqualTo(PASSWORD);
        assertThat(config.describe()).doesNotContain(PASSWORD).contains("source.password.file=" + secret);
    }

    @Test
    void settingBothPasswordAndPasswordFileIsAnError() throws IOException {
        Path secret = dir.resolve("password.txt");
        Files.writeString(secret, PASSWORD, StandardCharsets.UTF_8);
        Path file = propertiesFile(dir, "source.host=db", "source.user=cdc", "source.password.file=" + secret);

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(file, env("CDC_SOURCE_PASSWORD", "other-secret"), new Properties()));

        assertThat(e.getMessage())
                .contains("source.password.file = \"" + secret + "\": expected either source.password or"
                        + " source.password.file, not both: source.password is also set (from env"
                        + " CDC_SOURCE_PASSWORD)")
                .doesNotContain(PASSWORD, "other-secret");
    }

    @Test
    void anUnreadablePasswordFileSaysWhy() {
        Path missing = dir.resolve("missing.txt");

        ConfigException noFile = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.fromMap(minimal("source.password.file", missing.toString())));
        ConfigException directory = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.fromMap(minimal("source.password.file", dir.toString())));

        assertThat(noFile.getMessage()).contains("source.password.file = \"" + missing
                + "\": expected a readable file holding the password, but the file " + missing.toAbsolutePath()
                + " does not exist");
        assertThat(directory.getMessage()).contains(dir.toAbsolutePath() + " is a directory");
    }

    @Test
    void secretsAreMaskedInDescribeAndToString() throws ConfigException {
        RunnerConfig config = ConfigLoader.fromMap(minimal("source.password", PASSWORD,
                "processor.jdbc.password", PASSWORD + "-jdbc", "processor.api.token", PASSWORD + "-token",
                "debezium.signal.kafka.consumer.sasl.password", PASSWORD + "-dbz", "processor.batch", "50"));

        assertThat(config.describe()).doesNotContain(PASSWORD)
                .contains("source.password=******", "processor.jdbc.password=******",
                        "processor.api.token=******", "debezium.signal.kafka.consumer.sasl.password=******", "processor.batch=50");
        assertThat(config.toString()).doesNotContain(PASSWORD).contains("source.password=******");
        assertThat(config.source().toString()).doesNotContain(PASSWORD).contains("password=******");
        assertThat(config.processor().toString()).doesNotContain(PASSWORD).contains("batch=50");
        // Masking is for display only: the processor and Debezium get the real values.
        assertThat(config.processor().options()).containsEntry("api.token", PASSWORD + "-token");
        assertThat(config.debeziumOverrides()).containsEntry("signal.kafka.consumer.sasl.password", PASSWORD + "-dbz");
    }

    @Test
    void secretsAreMaskedInProblems() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.fromMap(minimal(
                "source.pasword", PASSWORD, "shutdown.secret", PASSWORD, "source.port", "x")));

        assertThat(e.getMessage()).doesNotContain(PASSWORD)
                .contains("source.pasword = \"******\": expected a known key (unknown key source.pasword; did you"
                        + " mean source.password?)");
    }

    @Test
    void aSecretShowsOnlyWhenRevealed() {
        Secret secret = new Secret(PASSWORD);

        assertThat(secret).hasToString("******").isEqualTo(new Secret(PASSWORD)).isNotEqualTo(new Secret("x"));
        assertThat(secret.reveal()).isEqualTo(PASSWORD);
        assertThat(new Secret("").isEmpty()).isTrue();
    }

    @Test
    void passwordsKeepTheirSpaces() throws ConfigException {
        RunnerConfig config = ConfigLoader.fromMap(minimal("source.password", " pass word "));

        assertThat(config.source().password().reveal()).isEqualTo(" pass word ");
    }
}
