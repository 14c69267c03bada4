package io.cdcrunner.config;

import static io.cdcrunner.config.ConfigFixtures.minimal;
import static io.cdcrunner.config.ConfigFixtures.propertiesFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.cdcrunner.testkit.UnitTest;

@UnitTest
class ConfigValidationTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            pipeline.name                  | my pipeline | a string matching [A-Za-z0-9_.-]+
            source.port                    | 70000       | an integer in 1..65535
            source.port                    | 0           | an integer in 1..65535
            source.port                    | 33o6        | an integer in 1..65535
            source.server.id               | 0           | an integer in 1..4294967295
            source.server.id               | 4294967296  | an integer in 1..4294967295
            source.flavor                  | postgres    | one of auto, mysql, mariadb
            source.start                   | beginning   | one of binlog-end, snapshot
            source.operations              | insert,upsert | a comma-separated list of insert, update, delete, truncate, drop (at least one)
            source.operations              | ','         | a comma-separated list of insert, update, delete, truncate, drop (at least one)
            source.tables                  | orders      | a comma-separated list of database.table names (regular expressions allowed)
            source.tables                  | 'shop.(orders' | a comma-separated list of database.table names (regular expressions allowed)
            source.databases               | 'shop[' | a comma-separated list of names (regular expressions allowed)
            source.connect.timeout.ms      | 30s         | a duration in milliseconds >= 1
            source.connect.timeout.ms      | 0           | a duration in milliseconds >= 1
            state.offset.flush.interval.ms | -1          | a duration in milliseconds
            processor.class                | com.example.My Processor | a fully qualified class name
            processor.class                | com..Example | a fully qualified class name
            processor.jdbc.pool.size       | 65          | an integer in 1..64
            engine.max.batch.size          | 0           | an integer >= 1
            engine.max.queue.bytes         | 8 MB        | a size in bytes (suffix k, m or g) >= 64k
            engine.max.queue.bytes         | 60k         | a size in bytes (suffix k, m or g) >= 64k
            engine.max.queue.bytes         | -1m         | a size in bytes (suffix k, m or g) >= 64k
            engine.max.queue.bytes         | 9999999999g | a size in bytes (suffix k, m or g) >= 64k
            shutdown.timeout.ms            | 1.5         | a duration in milliseconds >= 1
            """)
    void aBadValueNamesTheKeyTheValueAndWhatIsExpected(String key, String value, String expected) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.fromMap(minimal(key, value)));

        assertThat(e.problems()).containsExactly(new ConfigProblem(key, value, expected));
        assertThat(e.getMessage()).contains(key + " = \"" + value + "\": expected " + expected);
    }

    @Test
    void theMessageShowsOneProblemPerLineInTheDocumentedForm() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.fromMap(minimal("source.port", "70000")));

        assertThat(e.getMessage()).isEqualTo("""
                Invalid configuration (1 problem):
                  source.port = "70000": expected an integer in 1..65535""");
    }

    @Test
    void anInvalidPathIsReported() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.fromMap(minimal("state.dir", "bad\u0000path")));

        assertThat(e.problems()).extracting(ConfigProblem::key, ConfigProblem::expected)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("state.dir", "a file path"));
    }

    @Test
    void booleansAcceptTrueOrFalseInAnyCase() {
        assertThat(ConfigType.BOOLEAN.parse(" TRUE ")).isEqualTo(true);
        assertThat(ConfigType.BOOLEAN.parse("false")).isEqualTo(false);
        assertThatThrownBy(() -> ConfigType.BOOLEAN.parse("yes")).isInstanceOf(IllegalArgumentException.class);
        ConfigKey<Boolean> key = ConfigKey.withDefault("engine.example", ConfigType.BOOLEAN, "true", Validator.any(), "x");
        assertThat(key.expected()).isEqualTo("true or false");
    }

    @Test
    void aMissingRequiredKeyIsReportedAsNotSet() {
        Map<String, String> values = new HashMap<>(minimal());
        values.remove("source.host");
        values.put("source.user", " ");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.fromMap(values));

        assertThat(e.getMessage()).contains("source.host is not set: expected a string host, host:port, [IPv6]:port, or several separated by commas; this key is required",
                "source.user = \" \": expected a string; this key is required");
    }

    @Test
    void everyProblemOfAFileIsReportedAtOnce() throws IOException {
        Path file = propertiesFile(dir, "source.host=db", "source.user=cdc", "source.port=http",
                "source.flavor=oracle", "engine.max.batch.size=-1");

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(file, Map.of(), new Properties()));

        assertThat(e.problems()).extracting(ConfigProblem::key)
                .containsExactlyInAnyOrder("source.port", "source.flavor", "engine.max.batch.size");
        assertThat(e.getMessage()).startsWith("Invalid configuration (3 problems):\n").hasLineCount(4);
    }

    @Test
    void theQueueMustHoldMoreThanOneBatch() {
        ConfigException equal = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.fromMap(
                minimal("engine.max.batch.size", "100", "engine.max.queue.size", "100")));
        ConfigException byDefault = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.fromMap(
                minimal("engine.max.batch.size", "20000")));

        assertThat(equal.problems()).containsExactly(new ConfigProblem("engine.max.queue.size", "100",
                "an integer greater than engine.max.batch.size (100)"));
        assertThat(byDefault.getMessage()).contains("engine.max.queue.size = \"8192\" (from default): expected an"
                + " integer greater than engine.max.batch.size (20000)");
    }

    @Test
    void aMissingFileIsReportedWithItsPath() {
        Path missing = dir.resolve("nope.properties");

        assertThatThrownBy(() -> ConfigLoader.load(missing, Map.of(), new Properties()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(missing.toAbsolutePath().toString())
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> ConfigLoader.load(dir, Map.of(), new Properties()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(dir.toAbsolutePath() + " is a directory");
    }
}
