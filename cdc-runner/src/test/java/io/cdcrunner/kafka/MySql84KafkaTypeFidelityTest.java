package io.cdcrunner.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.binlog.AllTypesTable;
import io.cdcrunner.pipeline.TestPipelines;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.testdb.DockerMySqlTestDatabase;
import io.cdcrunner.testkit.KafkaTest;

/**
 * {@link KafkaTypeFidelityTest} against MySQL 8.4 (GTIDs on) through Testcontainers: the MySQL connector through
 * Connect and Kafka gives the embedded engine's events; skipped without Docker.
 */
@EnabledIf(value = "io.cdcrunner.testdb.DockerMySqlTestDatabase#dockerAvailable",
        disabledReason = "no Docker engine: the MySQL 8.4 Kafka suite is skipped")
@KafkaTest
class MySqlKafkaTypeFidelityTest {

    private static final String DB = "kfidmy";

    @TempDir
    static Path temp;

    private static DockerMySqlTestDatabase db;
    private static ConnectCluster kafka;

    @BeforeAll
    static void start() {
        db = new DockerMySqlTestDatabase();
        db.createCdcUser(TestPipelines.USER, TestPipelines.PASSWORD);
        db.execute("CREATE DATABASE " + DB + " CHARACTER SET utf8mb4", AllTypesTable.create(DB),
                "CREATE TABLE " + DB + ".extras (id INT PRIMARY KEY, b BINARY(16), j JSON,"
                        + " d DECIMAL(10,2) DEFAULT 1.50, s VARCHAR(10) DEFAULT 'dflt')");
        kafka = ConnectCluster.start("fidelity-mysql", 1, 1);
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
        List<List<ChangeEvent>> both = KafkaTypeFidelityTest.bothWays(db, kafka, temp, ServerFlavor.MYSQL, DB, () -> {
            db.execute(AllTypesTable.inserts(DB));
            db.execute("INSERT INTO " + DB + ".extras VALUES (1, UNHEX('00112233445566778899AABBCCDDEE00'),"
                            + " '{\"a\": [1, 2.5]}', NULL, NULL)",
                    "INSERT INTO " + DB + ".extras (id) VALUES (2)",
                    "UPDATE " + DB + ".extras SET d = NULL WHERE id = 2",
                    "DELETE FROM " + DB + ".extras WHERE id = 2");
        }, 4 + 2 + 1 + 1);
        ChangeEvent nulls = both.get(0).stream().filter(e -> e.table().equals("extras")
                && e.row().getLong("id") == 1).findFirst().orElseThrow();
        assertThat(nulls.row().get("d")).as("NULL of a column with a default").isNull();
        assertThat(nulls.row().get("s")).isNull();
    }
}
