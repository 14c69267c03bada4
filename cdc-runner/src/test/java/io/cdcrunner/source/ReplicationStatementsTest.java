package io.cdcrunner.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.testkit.UnitTest;

/**
 * Each status statement as the server's version spells it: MySQL 8.4 no longer knows SHOW MASTER STATUS, SHOW SLAVE
 * STATUS nor SHOW SLAVE HOSTS (the Docker 8.4 suite cannot run everywhere; this proves the choice without it).
 */
@UnitTest
class ReplicationStatementsTest {

    private static final ServerFlavor MYSQL = ServerFlavor.MYSQL;
    private static final ServerFlavor MARIADB = ServerFlavor.MARIADB;

    @Test
    void mySql82AndLaterAskForTheBinaryLogStatus() {
        assertThat(ReplicationStatements.binlogStatus(MYSQL, "8.4.3")).isEqualTo("SHOW BINARY LOG STATUS");
        assertThat(ReplicationStatements.binlogStatus(MYSQL, "8.2.0")).isEqualTo("SHOW BINARY LOG STATUS");
        assertThat(ReplicationStatements.binlogStatus(MYSQL, "9.1.0")).isEqualTo("SHOW BINARY LOG STATUS");
        assertThat(ReplicationStatements.binlogStatus(MYSQL, "8.1.0")).isEqualTo("SHOW MASTER STATUS");
        assertThat(ReplicationStatements.binlogStatus(MYSQL, "8.0.40")).isEqualTo("SHOW MASTER STATUS");
        assertThat(ReplicationStatements.binlogStatus(MYSQL, "5.7.44-log")).isEqualTo("SHOW MASTER STATUS");
        assertThat(ReplicationStatements.binlogStatus(MARIADB, "11.4.2-MariaDB")).isEqualTo("SHOW MASTER STATUS");
    }

    @Test
    void mySql8022AndLaterAskForReplicasByTheirNewNames() {
        for (String version : new String[] {"8.4.3", "8.0.22", "8.0.31", "8.1.0", "9.0.1-commercial"}) {
            assertThat(ReplicationStatements.replicaStatus(MYSQL, version)).as(version).isEqualTo("SHOW REPLICA STATUS");
            assertThat(ReplicationStatements.replicas(MYSQL, version)).as(version).isEqualTo("SHOW REPLICAS");
        }
        for (String version : new String[] {"8.0.21", "5.7.44-log", "garbage"}) {
            assertThat(ReplicationStatements.replicaStatus(MYSQL, version)).as(version).isEqualTo("SHOW SLAVE STATUS");
            assertThat(ReplicationStatements.replicas(MYSQL, version)).as(version).isEqualTo("SHOW SLAVE HOSTS");
        }
        // MariaDB keeps the old spellings in every version (and its version numbers are not MySQL's).
        assertThat(ReplicationStatements.replicaStatus(MARIADB, "11.4.2-MariaDB")).isEqualTo("SHOW SLAVE STATUS");
        assertThat(ReplicationStatements.replicas(MARIADB, "10.11.6-MariaDB")).isEqualTo("SHOW SLAVE HOSTS");
    }
}
