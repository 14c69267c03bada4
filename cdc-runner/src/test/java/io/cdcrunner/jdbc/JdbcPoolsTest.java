package io.cdcrunner.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariConfig;

import io.cdcrunner.config.JdbcTarget;
import io.cdcrunner.config.Secret;
import io.cdcrunner.testkit.UnitTest;

@UnitTest
class JdbcPoolsTest {

    private static final JdbcTarget TARGET = new JdbcTarget("jdbc:mariadb://db:3306/app", "cdc", new Secret("pw"),
            Map.of("keyStorePassword", new Secret("ks")));

    @Test
    void aPoolGetsTheTargetItsSecretsAndTheSettingsAsked() {
        HikariConfig config = JdbcPools.to(TARGET, "p-state").size(3, 0).readCommitted().noStartupCheck().config();
        assertThat(config.getPoolName()).isEqualTo("p-state");
        assertThat(config.getJdbcUrl()).isEqualTo("jdbc:mariadb://db:3306/app");
        assertThat(config.getUsername()).isEqualTo("cdc");
        assertThat(config.getPassword()).isEqualTo("pw");
        assertThat(config.getDataSourceProperties()).containsEntry("keyStorePassword", "ks");
        assertThat(config.getMaximumPoolSize()).isEqualTo(3);
        assertThat(config.getMinimumIdle()).isZero();
        assertThat(config.getTransactionIsolation()).isEqualTo("TRANSACTION_READ_COMMITTED");
        assertThat(config.getInitializationFailTimeout()).isEqualTo(-1);
        assertThat(config.getConnectionInitSql()).isNull();
    }

    @Test
    void whatIsNotAskedKeepsHikarisDefaults() {
        HikariConfig defaults = new HikariConfig();
        HikariConfig config = JdbcPools.to(TARGET, "p").config();
        assertThat(config.getTransactionIsolation()).isNull();
        assertThat(config.getMaximumPoolSize()).isEqualTo(defaults.getMaximumPoolSize());
        assertThat(config.getInitializationFailTimeout()).isEqualTo(defaults.getInitializationFailTimeout());
        assertThat(config.getKeepaliveTime()).isEqualTo(defaults.getKeepaliveTime());
    }

    @Test
    void theHaSessionLimitSetsTheSessionAndAKeepaliveBelowIt() {
        HikariConfig config = JdbcPools.to(TARGET, "p-deadletters").sessionLimit(new HaSessionLimit(20))
                .sessionAssignments("time_zone = '+00:00'").failFastAfter(Duration.ofSeconds(7)).config();
        assertThat(config.getConnectionInitSql()).isEqualTo(new HaSessionLimit(20).initSql("time_zone = '+00:00'"))
                .startsWith("SET time_zone = '+00:00' /*M!100300 , SESSION idle_transaction_timeout = 20 */");
        assertThat(config.getKeepaliveTime()).isEqualTo(HaSessionLimit.KEEPALIVE_MILLIS);
        assertThat(config.getInitializationFailTimeout()).isEqualTo(7000);
        assertThat(JdbcPools.to(TARGET, "p").sessionAssignments("time_zone = '+00:00'").config()
                .getConnectionInitSql()).isEqualTo("SET time_zone = '+00:00'");
    }

    @Test
    void driverPropertiesGivenReplaceTheTargets() {
        Properties given = new Properties();
        given.setProperty("sslMode", "verify-full");
        assertThat(JdbcPools.to(TARGET, "p").driverProperties(given).config().getDataSourceProperties())
                .containsEntry("sslMode", "verify-full").doesNotContainKey("keyStorePassword");
    }
}
