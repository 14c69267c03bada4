package io.cdcrunner.binlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.pipeline.RecordingProcessor;
import io.cdcrunner.pipeline.TestPipelines;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.state.StateDirectory;
import io.cdcrunner.testdb.LocalTestDatabase;
import io.cdcrunner.testdb.SharedDatabase;
import io.cdcrunner.testkit.DatabaseTest;

/**
 * DDL only MySQL 8.0 has, on captured tables: the rows before and after each statement arrive, with the table's
 * columns as they are after it. MySQL only: the statements are MySQL syntax (the same forms outside the capture run
 * in {@link ForeignDdlTest}'s MySQL variant).
 */
@DatabaseTest
class MySqlCapturedDdlTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    @RegisterExtension
    static final SharedDatabase SERVER = new SharedDatabase(Flavor.MYSQL);
    private static LocalTestDatabase db;

    @TempDir
    Path temp;

    @BeforeAll
    static void start() {
        db = SERVER.db();
    }

    /** A statement on the captured table, then a row written after it and the columns that row must arrive with. */
    private record Step(String ddl, String insert, List<String> columns) {
    }

    @Test
    void rowsAroundEachMySqlOnlyStatementArriveWithTheColumnsAfterIt() throws Exception {
        db.execute("CREATE DATABASE mx", "CREATE TABLE mx.items (id INT PRIMARY KEY, x INT, j JSON, note VARCHAR(20))");
        List<String> base = List.of("id", "x", "j", "note");
        List<String> middle = List.of("id", "c", "x", "j", "note");
        List<String> renamed = List.of("id", "c", "x", "j", "memo");
        // An invisible column is in the row images all the same.
        List<String> hidden = List.of("id", "c", "x", "j", "memo", "h");
        List<Step> steps = List.of(
                new Step("CREATE INDEX plus_one ON mx.items ((x + 1))", "(id, x) VALUES (%d, 1)", base),
                new Step("CREATE INDEX by_a ON mx.items ((CAST(j->>'$.a' AS CHAR(10))))",
                        "(id, j) VALUES (%d, '{\"a\": \"x\"}')", base),
                new Step("ALTER TABLE mx.items ADD CONSTRAINT positive CHECK (x > 0) NOT ENFORCED",
                        "(id, x) VALUES (%d, 1)", base),
                new Step("ALTER TABLE mx.items ALTER CHECK positive ENFORCED", "(id, x) VALUES (%d, 2)", base),
                // Rejected by the engine's parser: the definition is taken from the server (a recovery). Not enforced
                // any more, the row breaking the constraint is written, and delivered.
                new Step("ALTER TABLE mx.items ALTER CONSTRAINT positive NOT ENFORCED", "(id, x) VALUES (%d, -2)", base),
                new Step("ALTER TABLE mx.items DROP CHECK positive", "(id, x) VALUES (%d, -3)", base),
                new Step("ALTER TABLE mx.items ADD COLUMN c INT AFTER id, ALGORITHM=INSTANT",
                        "(id, c, x) VALUES (%d, 7, 3)", middle),
                new Step("ALTER TABLE mx.items RENAME COLUMN note TO memo", "(id, memo) VALUES (%d, 'renamed')", renamed),
                new Step("ALTER TABLE mx.items ADD COLUMN h INT INVISIBLE, ADD INDEX by_x (x) INVISIBLE",
                        "(id, h) VALUES (%d, 8)", hidden),
                new Step("ALTER TABLE mx.items ALTER COLUMN c SET INVISIBLE, ALTER INDEX by_x VISIBLE",
                        "(id, c, h) VALUES (%d, 9, 9)", hidden),
                // Rejected by the parser too (8.0.23); SHOW CREATE TABLE hides it in a version comment.
                new Step("ALTER TABLE mx.items ADD COLUMN y INT, AUTOEXTEND_SIZE=4M", "(id, y) VALUES (%d, 10)",
                        List.of("id", "c", "x", "j", "memo", "h", "y")));

        Path state = Files.createDirectories(temp.resolve("mx"));
        RecordingProcessor.reset("mx");
        try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, state, Map.of("pipeline.name", "mx",
                "source.tables", "mx.items,mx.copy")))) {
            pipeline.start();
            db.execute("INSERT INTO mx.items (id, x) VALUES (0, 1)");
            awaitEvents(pipeline, "mx", 1);
            int id = 0;
            for (Step step : steps) {
                db.execute(step.ddl(), "INSERT INTO mx.items " + step.insert().formatted(++id));
                ChangeEvent event = awaitEvents(pipeline, "mx", id + 1).get(id);
                assertThat(((Number) event.after().get("id")).intValue()).as("after: %s", step.ddl()).isEqualTo(id);
                assertThat(new ArrayList<>(event.after().columns())).as("after: %s", step.ddl())
                        .containsExactlyElementsOf(step.columns());
            }
            List<ChangeEvent> events = RecordingProcessor.events("mx");
            assertThat(events.get(5).after().get("x")).isEqualTo(-2);
            assertThat(events.get(7).after().get("c")).isEqualTo(7);
            assertThat(events.get(9).after().get("h")).isEqualTo(8);
            assertThat(events.get(11).after().get("y")).isEqualTo(10);

            // The copy takes the columns the engine holds for the table, invisible ones included.
            db.execute("CREATE TABLE mx.copy LIKE mx.items", "INSERT INTO mx.copy (id, c, h, y) VALUES (1, 2, 3, 4)");
            ChangeEvent copied = awaitEvents(pipeline, "mx", steps.size() + 2).get(steps.size() + 1);
            assertThat(copied.table()).isEqualTo("copy");
            assertThat(new ArrayList<>(copied.after().columns())).containsExactly("id", "c", "x", "j", "memo", "h", "y");
            assertThat(copied.after().get("h")).isEqualTo(3);
        }
        // The two statements the parser rejected, each recovered once from the server.
        assertThat(new SchemaRecoveries(new StateDirectory(state)).all()).extracting(r -> r.statement())
                .containsExactly("ALTER TABLE mx.items ALTER CONSTRAINT positive NOT ENFORCED",
                        "ALTER TABLE mx.items ADD COLUMN y INT, AUTOEXTEND_SIZE=4M");
    }

    @Test
    void partitionMaintenanceOnACapturedTableKeepsRowsFlowingButMovesRowsWithoutRowEvents() throws Exception {
        db.execute("CREATE DATABASE px", "CREATE TABLE px.parts (id INT, d INT, v VARCHAR(10), PRIMARY KEY (id, d))"
                        + " PARTITION BY RANGE (d) (PARTITION p0 VALUES LESS THAN (10), PARTITION p1 VALUES LESS THAN (20))",
                "CREATE TABLE px.swap (id INT, d INT, v VARCHAR(10), PRIMARY KEY (id, d))",
                "INSERT INTO px.swap VALUES (100, 12, 'swapped')");
        RecordingProcessor.reset("px");
        try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, Files.createDirectories(temp.resolve("px")),
                Map.of("pipeline.name", "px", "source.tables", "px.parts")))) {
            pipeline.start();
            db.execute("INSERT INTO px.parts VALUES (1, 5, 'a'), (2, 15, 'b')");
            awaitEvents(pipeline, "px", 2);
            db.execute("ALTER TABLE px.parts ADD PARTITION (PARTITION p2 VALUES LESS THAN (30))",
                    "INSERT INTO px.parts VALUES (3, 22, 'c')",
                    "ALTER TABLE px.parts REORGANIZE PARTITION p2 INTO (PARTITION p2a VALUES LESS THAN (25),"
                            + " PARTITION p2b VALUES LESS THAN (30))",
                    "INSERT INTO px.parts VALUES (4, 27, 'd')",
                    "ALTER TABLE px.parts TRUNCATE PARTITION p0",
                    "INSERT INTO px.parts VALUES (5, 6, 'e')",
                    "ALTER TABLE px.parts DROP PARTITION p2a",
                    "INSERT INTO px.parts VALUES (6, 23, 'f')",
                    "ALTER TABLE px.parts EXCHANGE PARTITION p1 WITH TABLE px.swap",
                    "INSERT INTO px.parts VALUES (7, 16, 'g')");
            List<ChangeEvent> events = awaitEvents(pipeline, "px", 7);
            assertThat(pipeline.state()).isEqualTo(PipelineState.STREAMING);
            assertThat(events).extracting(e -> e.operation().name() + " " + e.after().get("id") + " " + e.after().get("v"))
                    .containsExactly("INSERT 1 a", "INSERT 2 b", "INSERT 3 c", "INSERT 4 d", "INSERT 5 e", "INSERT 6 f",
                            "INSERT 7 g");
        }
        // The binlog holds TRUNCATE/DROP/EXCHANGE PARTITION as a statement only (as on MariaDB): rows 1 and 3 went,
        // row 2 moved out and row 100 in, and no row event says so.
        assertThat(db.server().queryString("SELECT GROUP_CONCAT(id ORDER BY id) FROM px.parts")).isEqualTo("4,5,6,7,100");
    }

    private static List<ChangeEvent> awaitEvents(Pipeline pipeline, String name, int count) {
        await().atMost(WAIT).until(() -> RecordingProcessor.events(name).size() >= count
                || pipeline.state().isFinal());
        assertThat(pipeline.state()).as("failure: %s", pipeline.failure()).isEqualTo(PipelineState.STREAMING);
        return RecordingProcessor.events(name);
    }
}
