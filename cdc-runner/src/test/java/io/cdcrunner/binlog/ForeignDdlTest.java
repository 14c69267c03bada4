package io.cdcrunner.binlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

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
class ForeignDdlTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    @RegisterExtension
    static final SharedDatabase SERVER = new SharedDatabase(Flavor.MARIADB);
    private static LocalTestDatabase db;

    @TempDir
    Path temp;

    @BeforeAll
    static void start() {
        db = SERVER.db();
        db.execute("CREATE DATABASE shop", "CREATE DATABASE other",
                "CREATE TABLE shop.orders (id INT PRIMARY KEY, note VARCHAR(40))");
    }

    /** MariaDB-only and unusual DDL the server accepts, none of it on a captured table ({@code ;;} separates statements of one session). */
    static final List<String> FOREIGN_DDL = List.of(
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

    @Test
    void everyForeignStatementIsFollowedByTheNextCapturedInsert() throws Exception {
        Path state = Files.createDirectories(temp.resolve("state"));
        Map<String, String> settings = Map.of("pipeline.name", "foreign", "source.tables", "shop.orders");
        RecordingProcessor.reset("foreign");
        try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, state, settings))) {
            pipeline.start();
            int id = 0;
            for (String ddl : FOREIGN_DDL) {
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
