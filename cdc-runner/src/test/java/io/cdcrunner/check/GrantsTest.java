package io.cdcrunner.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.cdcrunner.testkit.UnitTest;

@UnitTest
class GrantsTest {

    @Test
    void mariaDbCdcUser() {
        Grants grants = Grants.parse(List.of("GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR "
                + "ON *.* TO `cdc`@`%` IDENTIFIED BY PASSWORD '*0DB55B5CA3F29C6BCD42E6CF2D2BA346859991AB'"));
        assertThat(grants.hasGlobal("REPLICATION SLAVE")).isTrue();
        assertThat(grants.hasGlobal("BINLOG MONITOR")).isTrue();
        assertThat(grants.hasGlobal("REPLICATION CLIENT")).isFalse();
        assertThat(grants.hasOnTable("SELECT", "shop", "orders")).isTrue();
        assertThat(grants.roles()).isEmpty();
    }

    @Test
    void allPrivilegesCoversEverythingAndProxyIsNotARole() {
        Grants grants = Grants.parse(List.of("GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION",
                "GRANT PROXY ON ``@`%` TO `root`@`localhost` WITH GRANT OPTION"));
        assertThat(grants.hasGlobal("REPLICATION SLAVE")).isTrue();
        assertThat(grants.hasOnTable("SELECT", "any", "table")).isTrue();
        assertThat(grants.roles()).isEmpty();
    }

    @Test
    void databaseTableAndColumnScopes() {
        Grants grants = Grants.parse(List.of(
                "GRANT `r1` TO `bare`@`%`",
                "GRANT USAGE ON *.* TO `bare`@`%` IDENTIFIED BY PASSWORD '*B69027D44F6E5EDC07F1AEAD1477967B16F28227'",
                "GRANT SELECT ON `shop`.* TO `bare`@`%`",
                "GRANT SELECT (`a`, `b`), INSERT ON `crm`.`t` TO `bare`@`%`",
                "GRANT SELECT ON `crm`.`contacts` TO `bare`@`%`",
                "GRANT EXECUTE ON PROCEDURE `crm`.`p` TO `bare`@`%`",
                "GRANT SELECT ON `app\\_%`.* TO `bare`@`%`"));
        assertThat(grants.hasGlobal("REPLICATION SLAVE")).isFalse();
        assertThat(grants.hasOnTable("SELECT", "shop", "orders")).isTrue();
        assertThat(grants.hasOnTable("SELECT", "crm", "contacts")).isTrue();
        assertThat(grants.hasOnTable("SELECT", "crm", "t")).as("column privileges only").isFalse();
        assertThat(grants.hasOnTable("SELECT", "crm", "other")).isFalse();
        assertThat(grants.hasOnTable("SELECT", "app_eu", "orders")).as("LIKE pattern").isTrue();
        assertThat(grants.hasOnTable("SELECT", "appXeu", "orders")).as("escaped underscore").isFalse();
        assertThat(grants.roles()).containsExactly("r1");
    }

    @Test
    void mySql8Lines() {
        Grants grants = Grants.parse(List.of(
                "GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `cdc`@`%`",
                "GRANT BACKUP_ADMIN,BINLOG_ADMIN ON *.* TO `cdc`@`%`",
                "GRANT `reader`@`%` TO `cdc`@`%`"));
        assertThat(grants.hasGlobal("REPLICATION CLIENT")).isTrue();
        assertThat(grants.hasGlobal("BINLOG_ADMIN")).isTrue();
        assertThat(grants.roles()).containsExactly("reader@%");
    }

    @Test
    void accountIsQuotedForAGrantStatement() {
        assertThat(GrantsCheck.account("cdc@%")).isEqualTo("'cdc'@'%'");
        assertThat(GrantsCheck.account("o'brien@10.0.0.%")).isEqualTo("'o\\'brien'@'10.0.0.%'");
    }
}
