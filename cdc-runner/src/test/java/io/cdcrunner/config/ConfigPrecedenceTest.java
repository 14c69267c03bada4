package io.cdcrunner.config;

import static io.cdcrunner.config.ConfigFixtures.env;
import static io.cdcrunner.config.ConfigFixtures.propertiesFile;
import static io.cdcrunner.config.ConfigFixtures.sysprops;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.testkit.UnitTest;

/** Properties file &lt; -D system property &lt; environment variable, key by key. */
@UnitTest
class ConfigPrecedenceTest {

    @TempDir
    Path dir;
    Path file;

    @BeforeEach
    void writeFile() throws IOException {
        file = propertiesFile(dir, "source.host=db", "source.user=cdc", "source.port=1111",
                "pipeline.name=from-file");
    }

    @Test
    void theFileAloneDecides() throws ConfigException {
        RunnerConfig config = ConfigLoader.load(file, Map.of(), new Properties());

        assertThat(config.source().port()).isEqualTo(1111);
    }

    @Test
    void aSystemPropertyOverridesTheFile() throws ConfigException {
        RunnerConfig config = ConfigLoader.load(file, Map.of(), sysprops("source.port", "2222"));

        assertThat(config.source().port()).isEqualTo(2222);
        assertThat(config.pipelineName()).isEqualTo("from-file");
    }

    @Test
    void anEnvironmentVariableOverridesBoth() throws ConfigException {
        RunnerConfig config = ConfigLoader.load(file, env("CDC_SOURCE_PORT", "3333"),
                sysprops("source.port", "2222"));

        assertThat(config.source().port()).isEqualTo(3333);
        assertThat(config.pipelineName()).isEqualTo("from-file");
    }

    @Test
    void unrelatedSystemPropertiesAndVariablesAreIgnored() throws ConfigException {
        Properties jvm = new Properties();
        jvm.putAll(System.getProperties());
        jvm.setProperty("sun.jnu.encoding", "UTF-8");
        jvm.setProperty("user.name", "someone");
        // The JDK's own JMX connector settings share the jmx. prefix; the daemon sets one of them itself.
        jvm.setProperty("jmx.remote.x.mlet.allow.getMBeansFromURL", "false");

        RunnerConfig config = ConfigLoader.load(file,
                env("PATH", "/usr/bin", "CDC_HOME", "/opt/cdc", "CDC_JAVA_OPTS", "-Xmx1g"), jvm);

        assertThat(config.source().port()).isEqualTo(1111);
    }

    @Test
    void anEnvironmentVariableMapsToItsKey() throws ConfigException {
        RunnerConfig config = ConfigLoader.load(file, env(
                "CDC_SOURCE_PASSWORD", "from-env",
                "CDC_SOURCE_CONNECT_TIMEOUT_MS", "500",
                "CDC_PROCESSOR_JDBC_POOL_SIZE", "8",
                "CDC_PROCESSOR_FAMILY_TABLE", "shop.orders",
                "CDC_DEBEZIUM_SNAPSHOT_FETCH_SIZE", "500"), new Properties());

        assertThat(config.source().password().reveal()).isEqualTo("from-env");
        assertThat(config.source().connectTimeout().toMillis()).isEqualTo(500);
        assertThat(config.processor().poolSize()).isEqualTo(8);
        assertThat(config.processor().options()).containsExactly(Map.entry("family.table", "shop.orders"));
        assertThat(config.debeziumOverrides()).containsExactly(Map.entry("snapshot.fetch.size", "500"));
    }

    @Test
    void everyDeclaredKeyHasAnEnvironmentVariableThatMapsBack() {
        for (ConfigKey<?> key : RunnerKeys.ALL) {
            assertThat(ConfigLevels.keyForEnv(key.envName())).as(key.envName()).contains(key.name());
        }
        assertThat(RunnerKeys.SOURCE_PASSWORD.envName()).isEqualTo("CDC_SOURCE_PASSWORD");
        assertThat(ConfigKey.envNameOf("engine.max-lag.ms")).isEqualTo("CDC_ENGINE_MAX_LAG_MS");
    }

    @Test
    void aValueFromAboveTheFileIsReportedWithItsOrigin() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file,
                env("CDC_SOURCE_PORT", "x"), sysprops("source.server.id", "-1")));

        assertThat(e.getMessage()).contains(
                "source.port = \"x\" (from env CDC_SOURCE_PORT): expected an integer in 1..65535",
                "source.server.id = \"-1\" (from -Dsource.server.id): expected an integer in 1..4294967295");
    }

    @Test
    void aMisspeltVariableIsReportedWithTheRightName() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file,
                env("CDC_SORCE_PORT", "3307", "CDC_SOURCE_HOTS", "db2"), new Properties()));

        assertThat(e.getMessage()).contains(
                "unknown environment variable CDC_SORCE_PORT; did you mean CDC_SOURCE_PORT?",
                "unknown key CDC_SOURCE_HOTS; did you mean CDC_SOURCE_HOST?");
    }
}
