package io.cdcrunner.config;

import static io.cdcrunner.config.ConfigFixtures.minimal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.cdcrunner.testkit.UnitTest;

/** The {@code kafka.*} keys: what a consumer-group pipeline needs, its defaults, and the secrets among them. */
@UnitTest
class KafkaSourceConfigTest {

    private static final String JDBC_STORE = "io.cdcrunner.deadletter.JdbcDeadLetterStore";

    @Test
    void aKafkaSourceNeedsBrokersAndTheSharedDeadLetterTable() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.fromMap(minimal("source.type", "kafka")));

        assertThat(e.problems()).extracting(ConfigProblem::key)
                .containsExactlyInAnyOrder("kafka.bootstrap.servers", "deadletter.store");
        assertThat(e.getMessage()).contains("set kafka.bootstrap.servers, or source.type=binlog")
                .contains("a file per instance is not shared");
    }

    @Test
    void topicsAreNamedOneWay() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.fromMap(minimal(
                "source.type", "kafka", "kafka.bootstrap.servers", "k:9092", "deadletter.store", JDBC_STORE,
                "kafka.topics", "a.b.c", "kafka.topic.pattern", "a\\..*")));

        assertThat(e.problems()).extracting(ConfigProblem::key).containsExactly("kafka.topic.pattern");
    }

    @Test
    void theGroupAndTheTopicsDefaultToThePipelinesNameAndClientKeysPassThroughMasked() throws ConfigException {
        RunnerConfig config = ConfigLoader.fromMap(minimal("pipeline.name", "orders", "source.type", "kafka",
                "kafka.bootstrap.servers", "k:9092", "deadletter.store", JDBC_STORE,
                "kafka.client.security.protocol", "SASL_SSL", "kafka.client.ssl.truststore.password", "s3cret-trust"));

        assertThat(config.sourceType()).isEqualTo(SourceSettings.SourceType.KAFKA);
        KafkaSettings kafka = config.kafka();
        assertThat(kafka.groupId()).isEqualTo("orders");
        assertThat(kafka.connectorName()).isEqualTo("orders");
        assertThat(kafka.partitions()).isEqualTo(6);
        assertThat(Pattern.compile(kafka.topicPattern()).matcher("orders.shop.orders").matches()).isTrue();
        assertThat(Pattern.compile(kafka.topicPattern()).matcher("orders").matches())
                .as("the schema-change topic is no row-change topic").isFalse();
        assertThat(Pattern.compile(kafka.topicPattern()).matcher("orders-schema-history").matches()).isFalse();
        assertThat(kafka.client()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("ssl.truststore.password", "s3cret-trust");
        assertThat(config.describe()).contains("kafka.client.security.protocol=SASL_SSL")
                .doesNotContain("s3cret-trust");
        assertThat(Redaction.of(config).apply("failed with s3cret-trust")).doesNotContain("s3cret-trust");
    }

    @Test
    void aSaslJaasLineIsASecretAndItsPasswordIsMaskedWherever() throws ConfigException {
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"cdc\""
                + " password=\"jaas-s3cret\";";
        RunnerConfig config = ConfigLoader.fromMap(minimal("source.type", "kafka", "kafka.bootstrap.servers", "k:9092",
                "deadletter.store", JDBC_STORE, "kafka.client.sasl.jaas.config", jaas));

        assertThat(config.describe()).contains("kafka.client.sasl.jaas.config=******").doesNotContain("jaas-s3cret");
        assertThat(Redaction.of(config).apply("login failed: " + jaas)).doesNotContain("jaas-s3cret");
        assertThat(Redaction.PATTERNS_ONLY.apply("password=\"other-s3cret\" and more")).doesNotContain("other-s3cret");
    }

    @Test
    void anOffsetResetThatStartsPastUnprocessedRecordsIsRefusedWithItsFix() throws ConfigException {
        for (String skipping : new String[] {"latest", "LATEST", "by_duration:P1D"}) {
            ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.fromMap(minimal(
                    "source.type", "kafka", "kafka.bootstrap.servers", "k:9092", "deadletter.store", JDBC_STORE,
                    "kafka.client.auto.offset.reset", skipping)));

            assertThat(e).as(skipping).isNotNull();
            assertThat(e.problems()).extracting(ConfigProblem::key).containsExactly("kafka.client.auto.offset.reset");
            assertThat(e.getMessage()).contains("kafka.client.auto.offset.reset = \"" + skipping + "\"")
                    .contains("expected earliest (the default) or none").contains("skipping")
                    .contains("remove kafka.client.auto.offset.reset");
        }
        for (String safe : new String[] {"earliest", "none"}) {
            RunnerConfig config = ConfigLoader.fromMap(minimal("source.type", "kafka", "kafka.bootstrap.servers",
                    "k:9092", "deadletter.store", JDBC_STORE, "kafka.client.auto.offset.reset", safe));
            assertThat(config.kafka().client()).containsEntry("auto.offset.reset", safe);
        }
    }
}
