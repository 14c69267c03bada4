package io.cdcrunner.config;

import static io.cdcrunner.config.ConfigFixtures.minimal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.cdcrunner.testkit.UnitTest;

@UnitTest
class HaConfigTest {

    private static final String JDBC_STORE = "io.cdcrunner.deadletter.JdbcDeadLetterStore";

    @Test
    void instancesThatTakeOverNeedSharedStateAndSharedDeadLetters() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.fromMap(minimal("ha.enabled", "true")));

        assertThat(e.problems()).extracting(ConfigProblem::key)
                .containsExactlyInAnyOrder("state.store", "deadletter.store");
        assertThat(e.getMessage()).contains("set state.store=jdbc")
                .contains("set deadletter.store=" + JDBC_STORE);
    }

    @Test
    void withSeveralSourceServersTheLeaseNeedsAServerOfItsOwn() throws Exception {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.fromMap(minimal(
                "ha.enabled", "true", "state.store", "jdbc", "deadletter.store", JDBC_STORE,
                "source.host", "db1,db2")));

        assertThat(e.problems()).extracting(ConfigProblem::key).containsExactly("processor.jdbc.url");
        assertThat(ConfigLoader.fromMap(minimal("ha.enabled", "true", "state.store", "jdbc", "deadletter.store",
                JDBC_STORE, "source.host", "db1,db2", "processor.jdbc.url", "jdbc:mysql://state:3306/")).ha().enabled())
                .isTrue();
    }

    @Test
    void theKafkaSourceSharesItsWorkThroughTheGroupInstead() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.fromMap(minimal(
                "ha.enabled", "true", "state.store", "jdbc", "deadletter.store", JDBC_STORE,
                "source.type", "kafka", "kafka.bootstrap.servers", "localhost:9092")));

        assertThat(e.problems()).extracting(ConfigProblem::key).containsExactly("ha.enabled");
    }

    @Test
    void theCheckIntervalMustLeaveTimeBeforeTheLeaseTimesOut() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.fromMap(minimal(
                "ha.enabled", "true", "state.store", "jdbc", "deadletter.store", JDBC_STORE,
                "ha.lease.timeout.ms", "4000", "ha.lease.check.interval.ms", "3000")));

        assertThat(e.problems()).extracting(ConfigProblem::key).containsExactly("ha.lease.check.interval.ms");
    }

    @Test
    void theStateServerDefaultsToTheProcessorsAndTheLeaseToTenSeconds() throws ConfigException {
        RunnerConfig config = ConfigLoader.fromMap(minimal("ha.enabled", "true", "state.store", "jdbc",
                "deadletter.store", JDBC_STORE, "processor.jdbc.url", "jdbc:mariadb://db:3306/app",
                "processor.jdbc.user", "app", "processor.jdbc.password", "app-secret"));

        assertThat(config.state().jdbc().url()).isEqualTo("jdbc:mariadb://db:3306/app");
        assertThat(config.state().jdbc().user()).isEqualTo("app");
        assertThat(config.state().database()).isEqualTo("cdc_runner");
        assertThat(config.ha().leaseTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.ha().waitTimeoutSeconds()).isEqualTo(10);
        assertThat(config.ha().checkInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.describe()).contains("state.jdbc.password=****").doesNotContain("app-secret");
    }

    @Test
    void aPipelineNameTooLongForTheLeasesLockNameIsRefused() {
        String name = "p".repeat(54);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.fromMap(minimal(
                "ha.enabled", "true", "state.store", "jdbc", "deadletter.store", JDBC_STORE, "pipeline.name", name)));

        assertThat(e.problems()).extracting(ConfigProblem::key).containsExactly("pipeline.name");
        assertThat(e.getMessage()).contains("at most 53 characters", "cdc-runner:<pipeline.name>", "64");
        assertThat(catchThrowableOfType(ConfigException.class, () -> ConfigLoader.fromMap(minimal("ha.enabled", "true",
                "state.store", "jdbc", "deadletter.store", JDBC_STORE, "pipeline.name", "p".repeat(53))))).isNull();
    }
}
