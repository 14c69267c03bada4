package io.cdcrunner.config;

import static io.cdcrunner.config.ConfigFixtures.minimal;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.cdcrunner.testkit.UnitTest;

/** What {@link Redaction} masks, and what it leaves alone so that logs stay readable. */
@UnitTest
class RedactionTest {

    @Test
    void masksConfiguredSecretsUrlPasswordsAndSqlPasswords() throws ConfigException {
        Redaction redaction = Redaction.of(ConfigLoader.fromMap(minimal("source.password", "s3cret-src",
                "processor.read.url", "jdbc:mysql://replica/db?user=r&password=url-pw-1",
                "processor.jdbc.pasword", "typo-secret", "debezium.signal.kafka.consumer.sasl.password", "ks-secret")));

        assertThat(redaction.apply("login s3cret-src failed; typo-secret; ks-secret; url-pw-1"))
                .isEqualTo("login ****** failed; ******; ******; ******");
        assertThat(redaction.apply("jdbc:mysql://h/db?user=x&password=never-configured&ssl=true"))
                .isEqualTo("jdbc:mysql://h/db?user=x&password=******&ssl=true");
        assertThat(redaction.apply("jdbc:mysql://admin:hunter22@h:3306/db")).isEqualTo("jdbc:mysql://admin:******@h:3306/db");
        assertThat(redaction.apply("CREATE USER 'app'@'%' IDENTIFIED BY 'It''s-s3cret'; SET PASSWORD = PASSWORD('pw2')"))
                .isEqualTo("CREATE USER 'app'@'%' IDENTIFIED BY '******'; SET PASSWORD = PASSWORD('******')");
    }

    @Test
    void masksBrokerPasswordsAndHeaderValuesOfTheDeliveringProcessors() throws ConfigException {
        Redaction redaction = Redaction.of(ConfigLoader.fromMap(minimal(
                "processor.celery.broker.url", "redis://:redis-pw-7@cache:6379/0",
                "processor.http.header.Authorization", "Bearer abc.def.ghi",
                "processor.http.header.X-Api-Key", "k-123456",
                "processor.http.url", "https://hooks.example/in?team=ops&token=tok-98765&key=orders",
                "processor.s3.url", "https://b.s3/x?X-Amz-Signature=abcdef0123456789&X-Amz-Expires=300")));

        assertThat(redaction.apply("Redis at redis://:redis-pw-7@cache:6379/0 down; sent Bearer abc.def.ghi, k-123456"))
                .isEqualTo("Redis at redis://:******@cache:6379/0 down; sent ******, ******");
        assertThat(redaction.apply("amqps://celery:never-configured@mq:5671/%2F"))
                .isEqualTo("amqps://celery:******@mq:5671/%2F");
        assertThat(redaction.apply("rediss://:never-configured@cache:6380/1")).isEqualTo("rediss://:******@cache:6380/1");
        assertThat(redaction.apply("processor.http.url=https://hooks.example/in?team=ops&token=tok-98765&key=orders"))
                .as("a token is masked; a short value such as a key's name is not").isEqualTo(
                        "processor.http.url=https://hooks.example/in?team=ops&token=******&key=orders");
        assertThat(redaction.apply("GET /x?X-Amz-Signature=abcdef0123456789&X-Amz-Expires=300"))
                .isEqualTo("GET /x?X-Amz-Signature=******&X-Amz-Expires=300");
        assertThat(redaction.apply("jdbc:mysql://h:3306/db and [::1]:3306")).isEqualTo("jdbc:mysql://h:3306/db and [::1]:3306");
    }

    @Test
    void leavesOrdinaryValuesOfSecretLookingKeysAndNonSecretKeysAlone() throws ConfigException {
        Redaction redaction = Redaction.of(ConfigLoader.fromMap(minimal("processor.api.token", "true",
                "processor.cache.key", "10", "processor.bypass.cache", "enabled-here")));

        assertThat(redaction.apply("true at binlog.000010:10 enabled-here")).isEqualTo("true at binlog.000010:10 enabled-here");
        assertThat(KeyNames.looksSecret("processor.bypass.cache")).isFalse();
        assertThat(KeyNames.looksSecret("processor.db.pass")).isTrue();
        assertThat(KeyNames.looksSecret("processor.api.tokn")).isTrue();
    }
}
