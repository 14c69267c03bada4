package io.cdcrunner.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.binlog.AllTypesTable;
import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.pipeline.TestPipelines;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.testdb.LocalTestDatabase;
import io.cdcrunner.testdb.TestDatabase;
import io.cdcrunner.testkit.KafkaTest;

/**
 * {@link KafkaTypeFidelityTest} on the local MySQL 8.0 (GTIDs on): {@code MySqlConnector} in a Connect worker writes
 * the topic a {@code source.type=kafka} pipeline reads, and its events equal the embedded engine's. MySQL's own
 * types stand where MariaDB's UUID and INET columns do. {@link MySql84KafkaTypeFidelityTest} runs the same on 8.4
 * where Docker runs.
 */
@KafkaTest
class MySqlKafkaTypeFidelityTest {

    private static final String DB = "kfidmy";

    @TempDir
    static Path temp;

    private static LocalTestDatabase db;
    private static ConnectCluster kafka;

    @BeforeAll
    static void start() {
        db = new LocalTestDatabase(Flavor.MYSQL);
        createTables(db, DB);
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

    /** The daemon's user, {@code database}'s {@code all_types} table and a table of MySQL's own types. */
    static void createTables(TestDatabase db, String database) {
        db.createCdcUser(TestPipelines.USER, TestPipelines.PASSWORD);
        db.execute("CREATE DATABASE " + database + " CHARACTER SET utf8mb4", AllTypesTable.create(database),
                "CREATE TABLE " + database + ".extras (id INT PRIMARY KEY, b BINARY(16), j JSON,"
                        + " d DECIMAL(10,2) DEFAULT 1.50, s VARCHAR(10) DEFAULT 'dflt')");
    }

    /** Writes every type through both ways and returns what each delivered, the Kafka pipeline's first. */
    static List<List<ChangeEvent>> everyTypeBothWays(TestDatabase db, ConnectCluster kafka, Path temp, String database,
                                                     Map<String, String> more) throws Exception {
        List<List<ChangeEvent>> both = KafkaTypeFidelityTest.bothWays(db, kafka, temp, ServerFlavor.MYSQL, database,
                more, () -> {
                    db.execute(AllTypesTable.inserts(database));
                    db.execute("INSERT INTO " + database + ".extras VALUES (1, UNHEX('00112233445566778899AABBCCDDEE00'),"
                                    + " '{\"a\": [1, 2.5]}', NULL, NULL)",
                            "INSERT INTO " + database + ".extras (id) VALUES (2)",
                            "UPDATE " + database + ".extras SET d = NULL WHERE id = 2",
                            "DELETE FROM " + database + ".extras WHERE id = 2");
                }, 4 + 2 + 1 + 1);
        ChangeEvent nulls = both.get(0).stream().filter(e -> e.table().equals("extras")
                && e.row().getLong("id") == 1).findFirst().orElseThrow();
        assertThat(nulls.row().get("d")).as("NULL of a column with a default").isNull();
        assertThat(nulls.row().get("s")).isNull();
        return both;
    }

    @Test
    void everyTypeThroughConnectAndKafkaEqualsTheEmbeddedSourcesEvents() throws Exception {
        // Without TLS, and with the server's cache of verified passwords emptied: the connector's first login (its
        // JDBC connection, before the embedded pipeline's) is a full caching_sha2_password one through the RSA key.
        db.execute("FLUSH PRIVILEGES");
        List<List<ChangeEvent>> both = everyTypeBothWays(db, kafka, temp, DB, Map.of("source.ssl.mode", "disabled"));
        // MySQL keeps JSON in a binary form: the binlog gives the document back re-serialized (2.50 is 2.5, no
        // spaces), on both ways alike; MariaDB's JSON is text and comes back as written.
        ChangeEvent maximum = both.get(0).stream().filter(e -> e.table().equals("all_types")
                && e.row().getLong("id") == 2).findFirst().orElseThrow();
        assertThat(maximum.row().get("c_json")).isEqualTo("{\"a\":[1,2.5,\"\uD83D\uDE00\"],\"b\":null}");
    }
}
