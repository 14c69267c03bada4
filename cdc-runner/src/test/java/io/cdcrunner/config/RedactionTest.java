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
    void leavesOrdinaryValuesOfSecretLookingKeysAndNonSecretKeysAlone() throws ConfigException {
        Redaction redaction = Redaction.of(ConfigLoader.fromMap(minimal("processor.api.token", "true",
                "processor.cache.key", "10", "processor.bypass.cache", "enabled-here")));

        assertThat(redaction.apply("true at binlog.000010:10 enabled-here")).isEqualTo("true at binlog.000010:10 enabled-here");
        assertThat(KeyNames.looksSecret("processor.bypass.cache")).isFalse();
        assertThat(KeyNames.looksSecret("processor.db.pass")).isTrue();
        assertThat(KeyNames.looksSecret("processor.api.tokn")).isTrue();
    }
}
