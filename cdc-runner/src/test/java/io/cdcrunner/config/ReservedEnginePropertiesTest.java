package io.cdcrunner.config;

import static io.cdcrunner.config.ConfigFixtures.minimal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.binlog.EngineProperties;
import io.cdcrunner.binlog.SnapshotMode;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.mapping.RecordMapper;
import io.cdcrunner.state.StateDirectory;
import io.cdcrunner.testkit.UnitTest;

/** A debezium.* key may not change what the typed events depend on, nor what a daemon key sets. */
@UnitTest
class ReservedEnginePropertiesTest {

    @TempDir
    Path temp;

    @Test
    void overridingAMappingPropertyIsAConfigurationErrorThatSaysWhy() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.fromMap(minimal(
                "debezium.decimal.handling.mode", "double", "debezium.transforms", "unwrap",
                "debezium.transforms.unwrap.type", "io.debezium.transforms.ExtractNewRecordState",
                "debezium.table.include.list", "shop.orders", "debezium.snapshot.fetch.size", "500")));

        assertThat(e.getMessage())
                .contains("debezium.decimal.handling.mode = \"double\": expected no override of decimal.handling.mode:"
                        + " the Java types processors receive depend on it")
                .contains("debezium.transforms = \"unwrap\"", "debezium.transforms.unwrap.type",
                        "a transformation changes the change records")
                .contains("debezium.table.include.list = \"shop.orders\": expected no override of table.include.list:"
                        + " the daemon sets it from source.tables; set that instead")
                .doesNotContain("snapshot.fetch.size");
    }

    @Test
    void everyPropertyTheMappingDependsOnIsReserved() {
        assertThat(RecordMapper.connectorProperties().keySet())
                .allSatisfy(name -> assertThat(ReservedEngineProperties.whyReserved(name)).as(name).isPresent());
    }

    @Test
    void everyPropertyTheDaemonDerivesFromItsKeysIsReservedBarTheTunables() throws Exception {
        RunnerConfig config = ConfigLoader.fromMap(minimal("source.tables", "shop.orders", "source.databases", "shop"));
        Properties engine = EngineProperties.build(config, ServerFlavor.MARIADB, new StateDirectory(temp),
                SnapshotMode.NO_DATA);
        // Settings with no daemon key, left to experts: how often to send heartbeats and keep-alives.
        java.util.Set<String> tunable = java.util.Set.of("heartbeat.interval.ms", "connect.keep.alive.interval.ms");
        assertThat(engine.stringPropertyNames()).filteredOn(name -> !tunable.contains(name))
                .allSatisfy(name -> assertThat(ReservedEngineProperties.whyReserved(name)).as(name).isPresent());
    }
}
