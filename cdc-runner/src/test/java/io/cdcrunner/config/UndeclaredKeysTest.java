package io.cdcrunner.config;

import static io.cdcrunner.config.ConfigFixtures.minimal;
import static io.cdcrunner.config.ConfigFixtures.sysprops;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.testkit.UnitTest;

/** Keys that are not declared: the processor's, Debezium's, and typos. */
@UnitTest
class UndeclaredKeysTest {

    @TempDir
    Path dir;

    @Test
    void aMisspeltKeyIsAnErrorThatSuggestsTheDeclaredOne() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.fromMap(minimal("source.hots", "db2", "engine.max.batch", "10")));

        assertThat(e.getMessage()).contains(
                "source.hots = \"db2\": expected a known key (unknown key source.hots; did you mean source.host?)",
                "unknown key engine.max.batch; did you mean engine.max.batch.size?");
    }

    @Test
    void anUnknownKeyFarFromAnyDeclaredOneListsWhereKeysAre() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.fromMap(minimal("state.retention.days", "3", "logging.level", "debug")));

        assertThat(e.getMessage()).contains(
                "unknown key state.retention.days; the keys are listed in config/cdc-runner.properties",
                "unknown key logging.level; keys start with " + String.join(", ", RunnerKeys.OWNED_PREFIXES)
                        + " or debezium.");
    }

    @Test
    void aMisspeltSystemPropertyIsAnErrorToo() throws IOException {
        Path file = ConfigFixtures.propertiesFile(dir, "source.host=db", "source.user=cdc");

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(file, Map.of(), sysprops("shutdown.timeout", "5")));

        assertThat(e.getMessage()).contains("shutdown.timeout = \"5\" (from -Dshutdown.timeout): expected a known"
                + " key (unknown key shutdown.timeout; did you mean shutdown.timeout.ms?)");
    }

    @Test
    void otherProcessorKeysGoToTheProcessorWithoutPrefix() throws ConfigException {
        RunnerConfig config = ConfigLoader.fromMap(minimal("processor.family.table", "shop.orders",
                "processor.retries", " 3 ", "processor.jdbc.pool.size", "2"));

        assertThat(config.processor().options())
                .containsExactly(Map.entry("family.table", "shop.orders"), Map.entry("retries", "3"));
        assertThat(config.processor().poolSize()).isEqualTo(2);
    }

    @Test
    void debeziumKeysPassThroughWithoutPrefix() throws ConfigException {
        RunnerConfig config = ConfigLoader.fromMap(minimal("debezium.snapshot.locking.mode", "none",
                "debezium.database.initial.statements", "SET SESSION wait_timeout=600"));

        assertThat(config.debeziumOverrides()).containsExactly(
                Map.entry("database.initial.statements", "SET SESSION wait_timeout=600"),
                Map.entry("snapshot.locking.mode", "none"));
    }

    @Test
    void suggestionsToleratesTypicalTyposOnly() {
        assertThat(KeyNames.closestDeclared("source.hots")).contains(RunnerKeys.SOURCE_HOST);
        assertThat(KeyNames.closestDeclared("sourc.port")).contains(RunnerKeys.SOURCE_PORT);
        assertThat(KeyNames.closestDeclared("completely.different")).isEmpty();
        assertThat(KeyNames.distance("host", "hots")).isEqualTo(1);
    }
}
