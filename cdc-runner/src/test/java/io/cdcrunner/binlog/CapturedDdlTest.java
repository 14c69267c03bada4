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
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.pipeline.RecordingProcessor;
import io.cdcrunner.pipeline.TestPipelines;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.testdb.LocalTestDatabase;
import io.cdcrunner.testdb.SharedDatabase;
import io.cdcrunner.testkit.DatabaseTest;

/**
 * DDL on a captured table that the engine's parser cannot read: the daemon takes the definition from the server
 * when that is safe, and otherwise stops before the rows after the statement with a message that says what
 * recovers, the same message at every start.
 */
@DatabaseTest
@ParameterizedClass(name = "{0}")
@EnumSource(Flavor.class)
class CapturedDdlTest {

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
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        SERVER.close();
    }

    /**
     * A clause the engine's parser rejects in ALTER TABLE but not in the server's definition afterwards. MariaDB: ADD
     * PERIOD FOR (over the columns s and e). MySQL (8.0.23+): AUTOEXTEND_SIZE, which SHOW CREATE TABLE prints inside
     * a version comment the parser passes over.
     */
    private String unparseableClause() {
        return flavor == Flavor.MARIADB ? ", ADD PERIOD FOR p(s, e)" : ", AUTOEXTEND_SIZE=4M";
    }

    private RunnerConfig config(String name) throws Exception {
        db.execute("CREATE DATABASE " + name, "CREATE TABLE " + name + ".orders (id INT PRIMARY KEY, note VARCHAR(40))");
        RecordingProcessor.reset(name);
        Path state = Files.createDirectories(temp.resolve(name));
        return TestPipelines.config(db, state, Map.of("pipeline.name", name, "source.tables", name + ".orders"));
    }

    /** Row 1, written and delivered before the DDL: the engine streams (its start-up reads the definitions too). */
    private static void insertFirstRowAndAwaitIt(Pipeline pipeline, String name) {
        db.execute("INSERT INTO " + name + ".orders VALUES (1, 'before')");
        await().atMost(WAIT).until(() -> events(name).size() >= 1 || pipeline.state().isFinal());
        assertThat(events(name)).hasSize(1);
    }

    private static List<ChangeEvent> events(String name) {
        return RecordingProcessor.events(name);
    }

    private static int id(ChangeEvent event) {
        return ((Number) event.after().get("id")).intValue();
    }

    @Test
    void aColumnTheParserCannotReadIsTakenFromTheServerAndItsValuesArriveExact() throws Exception {
        RunnerConfig config = config("recovered");
        try (Pipeline pipeline = Pipelines.create(config)) {
            pipeline.start();
            insertFirstRowAndAwaitIt(pipeline, "recovered");
            db.execute("ALTER TABLE recovered.orders ADD COLUMN doc VARBINARY(10), ADD COLUMN s DATE NOT NULL DEFAULT"
                            + " '2020-01-01', ADD COLUMN e DATE NOT NULL DEFAULT '2030-01-01'" + unparseableClause(),
                    "INSERT INTO recovered.orders VALUES (2, 'after', x'00FF10', '2021-02-03', '2022-03-04')");
            await().atMost(WAIT).until(() -> events("recovered").size() >= 2 || pipeline.state().isFinal());
            assertThat(pipeline.state()).isEqualTo(PipelineState.STREAMING);
            assertThat(events("recovered")).extracting(CapturedDdlTest::id).containsExactly(1, 2);
            assertThat(events("recovered").get(0).after().has("doc")).isFalse();
            ChangeEvent second = events("recovered").get(1);
            assertThat(second.after().get("doc", byte[].class)).containsExactly(0x00, 0xFF, 0x10);
            assertThat(second.after().get("e")).isEqualTo(java.time.LocalDate.of(2022, 3, 4));
        }
        assertThat(new SchemaRecoveries(new io.cdcrunner.state.StateDirectory(config.stateDir())).all())
                .singleElement().satisfies(r -> assertThat(r.statement()).endsWith(unparseableClause()));

        // After a restart the statement may be read again: it passes, and so do the rows after it.
        try (Pipeline pipeline = Pipelines.create(config)) {
            pipeline.start();
            db.execute("INSERT INTO recovered.orders VALUES (3, 'restarted', x'01', '2021-01-01', '2021-01-02')");
            await().atMost(WAIT).until(() -> events("recovered").stream().anyMatch(e -> id(e) == 3)
                    || pipeline.state().isFinal());
            assertThat(pipeline.state()).isEqualTo(PipelineState.STREAMING);
            ChangeEvent third = events("recovered").stream().filter(e -> id(e) == 3).findFirst().orElseThrow();
            assertThat(third.after().get("doc", byte[].class)).containsExactly(0x01);
        }
    }

    /**
     * MariaDB only: no definition MySQL 8.0's SHOW CREATE TABLE prints was found that the engine's MySQL parser
     * rejects (functional and multi-valued indexes, CHECK constraints, expression defaults, SRID, INVISIBLE,
     * AUTOEXTEND_SIZE all parse), so on MySQL the stop is proved through a later statement (the last test).
     */
    @Test
    void aDefinitionTheParserCannotReadStopsBeforeTheRowsAfterItWithTheSameMessageAtEveryStart() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(flavor == Flavor.MARIADB, "WITHOUT OVERLAPS is MariaDB syntax");
        RunnerConfig config = config("unreadable");
        String alter = "ALTER TABLE unreadable.orders ADD COLUMN s DATE NOT NULL DEFAULT '2020-01-01', ADD COLUMN e DATE"
                + " NOT NULL DEFAULT '2030-01-01', ADD PERIOD FOR p(s, e), ADD UNIQUE KEY u (id, p WITHOUT OVERLAPS)";
        String message;
        try (Pipeline pipeline = Pipelines.create(config)) {
            pipeline.start();
            insertFirstRowAndAwaitIt(pipeline, "unreadable");
            // WITHOUT OVERLAPS is MariaDB syntax the parser rejects, also in the server's SHOW CREATE TABLE.
            db.execute(alter, "INSERT INTO unreadable.orders VALUES (2, 'after', '2021-01-01', '2021-01-02')");
            await().atMost(WAIT).until(() -> pipeline.state().isFinal());
            assertThat(pipeline.state()).isEqualTo(PipelineState.FAILED);
            message = pipeline.failure().orElseThrow().getMessage();
        }
        assertThat(events("unreadable")).extracting(CapturedDdlTest::id).containsExactly(1);
        assertThat(message).contains("unreadable.orders", alter, "binlog position binlog.",
                "cannot parse the server's definition", "source.start=snapshot", config.stateDir().toString());

        try (Pipeline pipeline = Pipelines.create(config)) {
            pipeline.start();
            await().atMost(WAIT).until(() -> pipeline.state().isFinal());
            assertThat(pipeline.state()).isEqualTo(PipelineState.FAILED);
            assertThat(pipeline.failure().orElseThrow().getMessage()).isEqualTo(message);
        }
        assertThat(events("unreadable")).extracting(CapturedDdlTest::id).containsExactly(1);
    }

    /** MariaDB only: MySQL has no compressed columns (InnoDB's ROW_FORMAT=COMPRESSED is invisible to the binlog). */
    @Test
    void aCompressedColumnOnACapturedTableStopsThePipelineBeforeItsRowsAndAtStart() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(flavor == Flavor.MARIADB, "COMPRESSED columns are MariaDB's");
        RunnerConfig config = config("packed");
        String alter = "ALTER TABLE packed.orders ADD COLUMN doc VARCHAR(500) COMPRESSED";
        String message;
        try (Pipeline pipeline = Pipelines.create(config)) {
            pipeline.start();
            insertFirstRowAndAwaitIt(pipeline, "packed");
            db.execute(alter, "INSERT INTO packed.orders VALUES (2, 'after', REPEAT('x', 300))");
            await().atMost(WAIT).until(() -> pipeline.state().isFinal());
            assertThat(pipeline.state()).isEqualTo(PipelineState.FAILED);
            message = pipeline.failure().orElseThrow().getMessage();
        }
        // Never the stored bytes as a value: the row after the statement is not delivered.
        assertThat(events("packed")).extracting(CapturedDdlTest::id).containsExactly(1);
        assertThat(message).contains("packed.orders", alter, "declared COMPRESSED", "source.start=snapshot");

        // A new pipeline over the table as it is now (its definition read at start) says why at once.
        RecordingProcessor.reset("packed-new");
        RunnerConfig fresh = TestPipelines.config(db, Files.createDirectories(temp.resolve("packed-new")),
                Map.of("pipeline.name", "packed-new", "source.tables", "packed.orders"));
        try (Pipeline pipeline = Pipelines.create(fresh)) {
            pipeline.start();
            db.execute("INSERT INTO packed.orders VALUES (3, 'later', 'y')");
            await().atMost(WAIT).until(() -> pipeline.state().isFinal());
            assertThat(pipeline.state()).isEqualTo(PipelineState.FAILED);
            assertThat(pipeline.failure().orElseThrow().getMessage()).contains("packed.orders", "declared COMPRESSED");
        }
        assertThat(RecordingProcessor.events("packed-new")).isEmpty();
    }

    @Test
    void aLaterChangeToACapturedTableMakesTheServerDefinitionUnsafeSoThePipelineStops() throws Exception {
        RunnerConfig config = config("later");
        try (Pipeline pipeline = Pipelines.create(config)) {
            pipeline.start();
            insertFirstRowAndAwaitIt(pipeline, "later");
        }
        // While the daemon is stopped: a statement it cannot parse, then one it can, both on the captured table.
        db.execute("ALTER TABLE later.orders ADD COLUMN s DATE NOT NULL DEFAULT '2020-01-01', ADD COLUMN e DATE"
                        + " NOT NULL DEFAULT '2030-01-01'" + unparseableClause(),
                "INSERT INTO later.orders VALUES (2, 'between', '2021-01-01', '2021-01-02')",
                "ALTER TABLE later.orders ADD COLUMN extra INT",
                "INSERT INTO later.orders VALUES (3, 'after', '2021-01-01', '2021-01-02', 3)");
        String message;
        try (Pipeline pipeline = Pipelines.create(config)) {
            pipeline.start();
            await().atMost(WAIT).until(() -> pipeline.state().isFinal());
            assertThat(pipeline.state()).isEqualTo(PipelineState.FAILED);
            message = pipeline.failure().orElseThrow().getMessage();
        }
        assertThat(message).contains("later.orders", unparseableClause().substring(2), "a later statement",
                "ADD COLUMN extra INT", "source.start=snapshot");
        try (Pipeline pipeline = Pipelines.create(config)) {
            pipeline.start();
            await().atMost(WAIT).until(() -> pipeline.state().isFinal());
            assertThat(pipeline.failure().orElseThrow().getMessage()).isEqualTo(message);
        }
        assertThat(events("later")).extracting(CapturedDdlTest::id).containsExactly(1);
    }
}
