package io.cdcrunner.binlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.pipeline.RecordingProcessor;
import io.cdcrunner.pipeline.TestPipelines;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.testdb.LocalTestDatabase;
import io.cdcrunner.testdb.SharedDatabase;
import io.cdcrunner.testkit.DatabaseTest;

/** DDL outside the capture, parseable by the engine or not, never stops or stalls the pipeline. */
@DatabaseTest
@ParameterizedClass(name = "{0}")
@EnumSource(Flavor.class)
class ForeignDdlTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    static final SharedDatabase SERVER = new SharedDatabase();
    private static LocalTestDatabase db;

    @Parameter
    Flavor flavor;

    @TempDir
    Path temp;

    @BeforeParameterizedClassInvocation
    static void start(Flavor flavor) {
        db = SERVER.start(flavor);
        db.execute("CREATE DATABASE shop", "CREATE DATABASE other",
                "CREATE TABLE shop.orders (id INT PRIMARY KEY, note VARCHAR(40))");
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        SERVER.close();
    }

    /** MariaDB-only and unusual DDL the server accepts, none of it on a captured table ({@code ;;} separates statements of one session). */
    static final List<String> MARIADB_DDL = List.of(
            "CREATE TABLE other.devices (id INT PRIMARY KEY, ip INET6, u UUID)",
            "CREATE TABLE other.hosts (id INT PRIMARY KEY, ip4 INET4 NOT NULL DEFAULT '0.0.0.0')",
            "CREATE SEQUENCE other.seq START WITH 10 INCREMENT BY 5",
            "CREATE OR REPLACE TABLE other.devices (id INT PRIMARY KEY, ip INET6, u UUID DEFAULT UUID())",
            "CREATE TABLE other.versioned (id INT PRIMARY KEY, v INT) WITH SYSTEM VERSIONING",
            "SET SESSION system_versioning_alter_history = KEEP;; ALTER TABLE other.versioned ADD COLUMN w INT, ALGORITHM=INSTANT",
            "ALTER TABLE other.hosts ADD COLUMN note VARCHAR(10) AFTER id, ALGORITHM=INSTANT, LOCK=NONE",
            "CREATE PROCEDURE other.odd() BEGIN DECLARE x INT DEFAULT 1; WHILE x < 3 DO SET x = x + 1; END WHILE; "
                    + "SELECT x; END",
            "CREATE FUNCTION other.f(a INT) RETURNS INT DETERMINISTIC RETURN a * 2",
            "CREATE TABLE other.periods (id INT, s DATE, e DATE, PERIOD FOR p(s, e))",
            // Compressed columns: the binlog reader must read their rows too.
            "CREATE TABLE other.packed (id INT PRIMARY KEY, v VARCHAR(500) COMPRESSED, b BLOB COMPRESSED);; INSERT INTO"
                    + " other.packed VALUES (1, REPEAT('a', 400), REPEAT('b', 300)), (2, 'short', NULL)",
            "ALTER TABLE other.packed ADD COLUMN t TEXT COMPRESSED;; UPDATE other.packed SET t = REPEAT('t', 200)",
            // Syntax the engine's parser cannot read at all.
            "CREATE TABLE other.overlaps (id INT, s DATE, e DATE, PERIOD FOR p(s, e), UNIQUE (id, p WITHOUT OVERLAPS))",
            "ALTER TABLE other.periods ADD COLUMN x INT, ADD UNIQUE u (id, p WITHOUT OVERLAPS)",
            "CREATE TABLE other.virtual_cols (a INT, b INT AS (a * 2) VIRTUAL, c VARCHAR(10) AS (CONCAT(a, 'x')) PERSISTENT)",
            "CREATE TABLE other.json_check (j LONGTEXT CHECK (JSON_VALID(j)))",
            "CREATE INDEX by_ip ON other.devices (ip)",
            "ALTER TABLE other.devices MODIFY u UUID NOT NULL DEFAULT UUID()",
            "CREATE TRIGGER other.trg BEFORE INSERT ON other.hosts FOR EACH ROW SET NEW.note = 'trig'",
            "CREATE EVENT other.ev ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM other.hosts",
            "CREATE VIEW other.v AS SELECT id, ip FROM other.devices",
            "DROP SEQUENCE other.seq",
            "TRUNCATE TABLE other.hosts",
            "RENAME TABLE other.periods TO other.periods2",
            "DROP TABLE other.devices, other.periods2, other.overlaps, other.packed");

    /**
     * The MySQL 8.0 forms of the list above (MySQL has no sequences, INET6/UUID types, system versioning, periods
     * or compressed columns), and the DDL only MySQL has.
     */
    static final List<String> MYSQL_DDL = List.of(
            "CREATE TABLE other.items (id INT PRIMARY KEY, x INT, j JSON, note VARCHAR(20))",
            // Functional and multi-valued indexes.
            "CREATE INDEX plus_one ON other.items ((x + 1))",
            "CREATE INDEX by_a ON other.items ((CAST(j->>'$.a' AS CHAR(10))))",
            "ALTER TABLE other.items ADD INDEX tags ((CAST(j->'$.tags' AS UNSIGNED ARRAY)))",
            // CHECK constraints; ALTER CONSTRAINT ... [NOT] ENFORCED (8.0.19) is rejected by the engine's parser.
            "ALTER TABLE other.items ADD CONSTRAINT positive CHECK (x > 0) NOT ENFORCED",
            "ALTER TABLE other.items ALTER CHECK positive ENFORCED",
            "ALTER TABLE other.items ALTER CONSTRAINT positive NOT ENFORCED",
            "ALTER TABLE other.items ADD CONSTRAINT small CHECK (x < 1000) ENFORCED, DROP CHECK positive",
            "ALTER TABLE other.items DROP CONSTRAINT small",
            // A column in the middle without a table copy (8.0.29+), and a rename.
            "ALTER TABLE other.items ADD COLUMN c INT AFTER id, ALGORITHM=INSTANT",
            "ALTER TABLE other.items RENAME COLUMN note TO memo",
            "ALTER TABLE other.items ADD COLUMN h INT INVISIBLE, ADD INDEX by_x (x) INVISIBLE",
            "ALTER TABLE other.items ALTER COLUMN c SET INVISIBLE, ALTER INDEX by_x VISIBLE",
            "CREATE TABLE other.items_copy LIKE other.items",
            // Rejected by the parser in ALTER TABLE (8.0.23).
            "ALTER TABLE other.items ADD COLUMN y INT, AUTOEXTEND_SIZE=4M",
            // Partition maintenance.
            "CREATE TABLE other.parts (id INT, d INT, PRIMARY KEY (id, d)) PARTITION BY RANGE (d)"
                    + " (PARTITION p0 VALUES LESS THAN (10), PARTITION p1 VALUES LESS THAN (20));; INSERT INTO"
                    + " other.parts VALUES (1, 5), (2, 15)",
            "ALTER TABLE other.parts ADD PARTITION (PARTITION p2 VALUES LESS THAN (30))",
            "ALTER TABLE other.parts REORGANIZE PARTITION p2 INTO (PARTITION p2a VALUES LESS THAN (25),"
                    + " PARTITION p2b VALUES LESS THAN (30))",
            "ALTER TABLE other.parts TRUNCATE PARTITION p0",
            "ALTER TABLE other.parts DROP PARTITION p2a",
            "CREATE TABLE other.swap (id INT, d INT, PRIMARY KEY (id, d));; ALTER TABLE other.parts EXCHANGE PARTITION"
                    + " p1 WITH TABLE other.swap",
            // Roles and users; the binlog holds CREATE/ALTER USER with the password's hash, bytes and all.
            "CREATE ROLE 'reader', 'writer'@'%'",
            "GRANT SELECT ON other.* TO 'reader'",
            "CREATE USER 'alice'@'%' IDENTIFIED BY 'first-secret'",
            "GRANT 'reader' TO 'alice'@'%'",
            "SET DEFAULT ROLE 'reader' TO 'alice'@'%'",
            "ALTER USER 'alice'@'%' IDENTIFIED WITH caching_sha2_password BY 'second-secret'",
            "REVOKE 'reader' FROM 'alice'@'%'",
            "DROP ROLE 'reader', 'writer'@'%'",
            "DROP USER 'alice'@'%'",
            "CREATE PROCEDURE other.odd() BEGIN DECLARE x INT DEFAULT 1; WHILE x < 3 DO SET x = x + 1; END WHILE; "
                    + "SELECT x; END",
            "CREATE FUNCTION other.f(a INT) RETURNS INT DETERMINISTIC RETURN a * 2",
            "CREATE TRIGGER other.trg BEFORE INSERT ON other.items FOR EACH ROW SET NEW.memo = 'trig'",
            "CREATE EVENT other.ev ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM other.items",
            "CREATE VIEW other.v AS SELECT id, x FROM other.items",
            "TRUNCATE TABLE other.items",
            "RENAME TABLE other.items_copy TO other.items_copy2",
            "DROP TABLE other.items, other.items_copy2, other.parts, other.swap");

    @Test
    void everyForeignStatementIsFollowedByTheNextCapturedInsert() throws Exception {
        Path state = Files.createDirectories(temp.resolve("state"));
        Map<String, String> settings = Map.of("pipeline.name", "foreign", "source.tables", "shop.orders");
        RecordingProcessor.reset("foreign");
        try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, state, settings))) {
            pipeline.start();
            int id = 0;
            for (String ddl : flavor == Flavor.MARIADB ? MARIADB_DDL : MYSQL_DDL) {
                db.execute(ddl.split(";; "));
                db.execute("INSERT INTO shop.orders VALUES (" + (++id) + ", 'after a foreign DDL')");
                int expected = id;
                await().atMost(WAIT).until(() -> RecordingProcessor.events("foreign").size() >= expected
                        || pipeline.state().isFinal());
                assertThat(pipeline.state()).as("state after: %s", ddl).isEqualTo(PipelineState.STREAMING);
            }
            assertThat(RecordingProcessor.events("foreign")).extracting(e -> ((Number) e.after().get("id")).intValue())
                    .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, id).boxed().toList());
        }
        // A restart replays nothing and fails on nothing: the history holds only what it could read.
        try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, state, settings))) {
            pipeline.start();
            db.execute("INSERT INTO shop.orders VALUES (1000, 'after restart')");
            await().atMost(WAIT).until(() -> RecordingProcessor.events("foreign").stream()
                    .anyMatch(e -> ((Number) e.after().get("id")).intValue() == 1000) || pipeline.state().isFinal());
            assertThat(pipeline.state()).isEqualTo(PipelineState.STREAMING);
        }
    }
}
