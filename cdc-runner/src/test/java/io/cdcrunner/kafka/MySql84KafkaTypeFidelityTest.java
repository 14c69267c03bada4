package io.cdcrunner.kafka;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.testdb.DockerMySqlTestDatabase;
import io.cdcrunner.testkit.KafkaTest;

/**
 * {@link MySqlKafkaTypeFidelityTest} against MySQL 8.4 (GTIDs on) through Testcontainers: the MySQL connector through
 * Connect and Kafka gives the embedded engine's events on 8.4 too; skipped without Docker.
 */
@EnabledIf(value = "io.cdcrunner.testdb.DockerMySqlTestDatabase#dockerAvailable",
        disabledReason = "no Docker engine: the MySQL 8.4 Kafka suite is skipped (MySqlKafkaTypeFidelityTest runs 8.0)")
@KafkaTest
class MySql84KafkaTypeFidelityTest {

    private static final String DB = "kfidmy84";

    @TempDir
    static Path temp;

    private static DockerMySqlTestDatabase db;
    private static ConnectCluster kafka;

    @BeforeAll
    static void start() {
        db = new DockerMySqlTestDatabase();
        MySqlKafkaTypeFidelityTest.createTables(db, DB);
        kafka = ConnectCluster.start("fidelity-mysql84", 1, 1);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void everyTypeThroughConnectAndKafkaEqualsTheEmbeddedSourcesEvents() throws Exception {
        MySqlKafkaTypeFidelityTest.everyTypeBothWays(db, kafka, temp, DB, Map.of());
    }
}
