package io.cdcrunner.binlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
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
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.deadletter.DeadLetter;
import io.cdcrunner.deadletter.JsonLinesDeadLetterStore;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.pipeline.RecordingProcessor;
import io.cdcrunner.pipeline.TestPipelines;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.testdb.LocalTestDatabase;
import io.cdcrunner.testdb.SharedDatabase;
import io.cdcrunner.testkit.DatabaseTest;

/**
 * Impossible dates ({@code '2020-02-31'} under {@code sql_mode=ALLOW_INVALID_DATES}): in a table outside the capture
 * they do not matter; in a captured one the row follows processor.on.failure, naming the column and the date, and
 * every possible date around them is delivered exactly.
 */
@DatabaseTest
@ParameterizedClass(name = "{0}")
@EnumSource(Flavor.class)
class ImpossibleDatesTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String PERMISSIVE = "SET SESSION sql_mode = 'ALLOW_INVALID_DATES'";
    static final SharedDatabase SERVER = new SharedDatabase();
    private static LocalTestDatabase db;

    @Parameter
    Flavor flavor;

    @TempDir
    Path temp;

    @BeforeParameterizedClassInvocation
    static void start(Flavor flavor) {
        db = SERVER.start(flavor);
        db.execute("CREATE DATABASE dates", "CREATE DATABASE dates_other",
                "CREATE TABLE dates.events (id INT PRIMARY KEY, d DATE, dt DATETIME, dt3 DATETIME(3), dt6 DATETIME(6))",
                "CREATE TABLE dates_other.log (id INT PRIMARY KEY, d DATE NOT NULL, dt DATETIME(6))");
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        SERVER.close();
    }

    @Test
    void outsideTheCaptureTheyDoNotMatterAndInsideTheRowIsADeadLetterNamingColumnAndDate() throws Exception {
        Path state = Files.createDirectories(temp.resolve("dead-letter"));
        RecordingProcessor.reset("dates");
        try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, state,
                Map.of("pipeline.name", "dates", "source.tables", "dates.events")))) {
            pipeline.start();
            db.execute(PERMISSIVE,
                    "INSERT INTO dates_other.log VALUES (1, '2020-02-31', '2021-04-31 10:11:12.5'), (2, '2019-02-29', NULL)",
                    "UPDATE dates_other.log SET d = '2023-06-31' WHERE id = 1",
                    "DELETE FROM dates_other.log WHERE id = 2",
                    "INSERT INTO dates.events VALUES (1, '2024-02-29', '2020-02-28 23:59:59', '2000-01-31 00:00:00.125',"
                            + " '9999-12-31 23:59:59.999999')",
                    "INSERT INTO dates.events VALUES (2, '2020-02-31', NULL, NULL, NULL)",
                    "INSERT INTO dates.events VALUES (3, '2020-01-01', NULL, NULL, '2019-02-29 23:59:59.123456')",
                    "INSERT INTO dates.events VALUES (4, '1000-01-01', '2021-11-31 01:02:03', NULL, NULL)",
                    "INSERT INTO dates.events VALUES (5, '2020-04-30', '2020-04-30 12:00:00', '2020-04-30 12:00:00.001',"
                            + " '2020-04-30 12:00:00.000001')");
            await().atMost(WAIT).until(() -> RecordingProcessor.events("dates").size() >= 2
                    && pipeline.counters().delivery().deadLettered() >= 3 || pipeline.state().isFinal());
            assertThat(pipeline.state()).isEqualTo(PipelineState.STREAMING);
        }
        List<ChangeEvent> delivered = RecordingProcessor.events("dates");
        assertThat(delivered).extracting(e -> e.row().getLong("id")).containsExactly(1L, 5L);
        assertThat(delivered.get(0).after().asMap()).containsEntry("d", LocalDate.of(2024, 2, 29))
                .containsEntry("dt", LocalDateTime.of(2020, 2, 28, 23, 59, 59))
                .containsEntry("dt3", LocalDateTime.of(2000, 1, 31, 0, 0, 0, 125_000_000))
                .containsEntry("dt6", LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000));
        assertThat(delivered.get(1).after().asMap()).containsEntry("dt6", LocalDateTime.of(2020, 4, 30, 12, 0, 0, 1_000));
        try (JsonLinesDeadLetterStore store = JsonLinesDeadLetterStore.openIn(state)) {
            List<DeadLetter> letters = store.list();
            assertThat(letters).hasSize(3).allSatisfy(letter -> {
                assertThat(letter.isUnmapped()).isTrue();
                assertThat(letter.event().qualifiedTable()).isEqualTo("dates.events");
            });
            assertThat(letters.get(0).errorMessage()).contains("column 'd'", "2020-02-31", "ALLOW_INVALID_DATES");
            assertThat(letters.get(1).errorMessage()).contains("column 'dt6'", "2019-02-29");
            assertThat(letters.get(2).errorMessage()).contains("column 'dt'", "2021-11-31");
        }
    }

    @Test
    void anInitialSnapshotDeadLettersTheRowsWithImpossibleDatesAndDeliversTheOthers() throws Exception {
        db.execute("CREATE TABLE dates.existing (id INT PRIMARY KEY, d DATE, dt6 DATETIME(6))", PERMISSIVE,
                "INSERT INTO dates.existing VALUES (1, '2020-02-29', '2020-02-29 10:00:00.5'),"
                + " (2, '2020-02-30', NULL), (3, NULL, '2022-09-31 00:00:00'), (4, '2021-01-31', NULL)");
        Path state = Files.createDirectories(temp.resolve("snapshot"));
        RecordingProcessor.reset("dates-snapshot");
        try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, state, Map.of("pipeline.name",
                "dates-snapshot", "source.tables", "dates.existing", "source.start", "snapshot")))) {
            pipeline.start();
            await().atMost(WAIT).until(() -> RecordingProcessor.events("dates-snapshot").size()
                    + pipeline.counters().delivery().deadLettered() >= 4 && pipeline.state() == PipelineState.STREAMING
                    || pipeline.state().isFinal());
            assertThat(pipeline.state()).isEqualTo(PipelineState.STREAMING);
        }
        assertThat(RecordingProcessor.events("dates-snapshot")).as("%s", RecordingProcessor.events("dates-snapshot")
                .stream().map(e -> e.after().asMap()).toList()).extracting(e -> e.row().getLong("id")).containsExactly(1L, 4L);
        try (JsonLinesDeadLetterStore store = JsonLinesDeadLetterStore.openIn(state)) {
            assertThat(store.list()).extracting(DeadLetter::errorMessage).satisfiesExactly(
                    first -> assertThat(first).contains("column 'd'", "2020-02-30"),
                    second -> assertThat(second).contains("column 'dt6'", "2022-09-31"));
        }
    }

    @Test
    void withHaltThePipelineStopsAtTheRowNamingTableColumnAndDateAndARestartSaysTheSame() throws Exception {
        db.execute("CREATE TABLE dates.halting (id INT PRIMARY KEY, d DATE)");
        Path state = Files.createDirectories(temp.resolve("halt"));
        Map<String, String> settings = Map.of("pipeline.name", "dates-halt", "source.tables", "dates.halting",
                "processor.on.failure", "halt");
        RecordingProcessor.reset("dates-halt");
        try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, state, settings))) {
            pipeline.start();
            db.execute(PERMISSIVE, "INSERT INTO dates.halting VALUES (1, '2020-03-01')",
                    "INSERT INTO dates.halting VALUES (2, '2020-02-30')", "INSERT INTO dates.halting VALUES (3, '2020-03-02')");
            await().atMost(WAIT).until(() -> pipeline.state() == PipelineState.FAILED);
            assertThat(pipeline.failure()).get().asString().contains("dates.halting", "column 'd'", "2020-02-30");
        }
        assertThat(RecordingProcessor.events("dates-halt")).extracting(e -> e.row().getLong("id")).containsExactly(1L);
        try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, state, settings))) {
            pipeline.start();
            await().atMost(WAIT).until(() -> pipeline.state() == PipelineState.FAILED);
            assertThat(pipeline.failure()).get().asString().contains("dates.halting", "column 'd'", "2020-02-30");
        }
        assertThat(RecordingProcessor.events("dates-halt")).extracting(e -> e.row().getLong("id")).containsExactly(1L);
    }
}
