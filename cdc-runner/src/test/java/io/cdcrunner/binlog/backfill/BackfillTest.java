package io.cdcrunner.binlog.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.pipeline.RecordingProcessor;
import io.cdcrunner.pipeline.TestPipelines;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.ProcessorConfig;
import io.cdcrunner.processor.builtin.FamilyAggregateProcessor;
import io.cdcrunner.processor.builtin.FamilySettings;
import io.cdcrunner.testdb.LocalTestDatabase;
import io.cdcrunner.testdb.SharedDatabase;
import io.cdcrunner.testkit.DatabaseTest;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.management.JMX;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Backfills through a running pipeline, on MariaDB and MySQL: what a request delivers, how rows are told apart from
 * streamed changes, what a bad request is told, and new tables added to the configuration.
 */
@DatabaseTest
@ParameterizedClass(name = "{0}")
@EnumSource(Flavor.class)
class BackfillTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    static final SharedDatabase SERVER = new SharedDatabase();
    private static LocalTestDatabase db;
    private static HikariDataSource pool;

    @Parameter
    Flavor flavor;

    @TempDir
    Path temp;

    @BeforeParameterizedClassInvocation
    static void start(Flavor flavor) {
        db = SERVER.start(flavor);
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(db.jdbcUrl(""));
        hikari.setUsername(db.rootUser());
        hikari.setPassword(db.rootPassword());
        hikari.setMaximumPoolSize(2);
        pool = new HikariDataSource(hikari);
        StringBuilder rows = new StringBuilder();
        for (int id = 1; id <= 5_000; id++) {
            rows.append(id == 1 ? "" : ",").append('(').append(id).append(',').append(id % 50).append(')');
        }
        db.execute("CREATE DATABASE bf",
                "CREATE TABLE bf.t (id INT PRIMARY KEY, family INT NOT NULL)",
                "INSERT INTO bf.t VALUES " + rows,
                "CREATE TABLE bf.keyless (id INT, family INT)",
                "INSERT INTO bf.keyless VALUES (1, 1)",
                "CREATE TABLE bf.added (id INT PRIMARY KEY, family INT NOT NULL)",
                "INSERT INTO bf.added VALUES (1, 1), (2, 2), (3, 3)",
                "CREATE TABLE bf.added_later (id INT PRIMARY KEY, family INT NOT NULL)",
                "INSERT INTO bf.added_later VALUES (1, 1), (2, 2)",
                "CREATE TABLE bf.orders (id INT PRIMARY KEY, family INT NOT NULL, amount DECIMAL(12,2) NOT NULL,"
                        + " KEY by_family (family, amount))",
                "INSERT INTO bf.orders SELECT id, id % 40, (id * 7) % 101 FROM bf.t",
                "CREATE TABLE bf.other (id INT PRIMARY KEY)");
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        pool.close();
        SERVER.close();
    }

    private static BackfillMXBean backfills(String pipeline) {
        return JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(), Backfills.objectName(pipeline),
                BackfillMXBean.class);
    }

    @Test
    void aRequestDeliversEveryRowOnceMarkedAsBackfillWhileStreamingGoesOn() throws Exception {
        String name = "bf_all_" + flavor.name().toLowerCase();
        RecordingProcessor.reset(name);
        Path state = Files.createDirectories(temp.resolve("all"));
        try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, state,
                Map.of("pipeline.name", name, "source.tables", "bf.t", "backfill.chunk.size", "700")))) {
            pipeline.start();
            await().atMost(WAIT).until(() -> pipeline.state() == PipelineState.STREAMING || pipeline.state().isFinal());
            String answer = backfills(name).startBackfill("bf.t", "");
            assertThat(answer).startsWith("backfill b").contains("bf.t");
            String run = backfills(name).getRunId();
            await().atMost(WAIT).until(() -> backfills(name).getState().equals("COMPLETED") || pipeline.state().isFinal());
            assertThat(pipeline.state()).isEqualTo(PipelineState.STREAMING);
            List<ChangeEvent> events = RecordingProcessor.events(name);
            assertThat(events).allSatisfy(e -> {
                assertThat(e.isBackfill()).isTrue();
                assertThat(e.position().backfill()).isEqualTo(run);
                assertThat(e.eventId()).isEqualTo("backfill:" + run + ":bf.t:" + e.key().get("id"));
            });
            Map<Long, Long> times = events.stream().collect(Collectors.groupingBy(e -> e.row().getLong("id"),
                    Collectors.counting()));
            assertThat(times).hasSize(5_000).allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));
            assertThat(backfills(name).getRowsDelivered()).isEqualTo(5_000);
            assertThat(backfills(name).getChunksRead()).isGreaterThanOrEqualTo(8);
        }
    }

    @Test
    void aBadRequestIsRefusedNamingTheProblem() throws Exception {
        String name = "bf_bad_" + flavor.name().toLowerCase();
        Path state = Files.createDirectories(temp.resolve("bad"));
        try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, state,
                Map.of("pipeline.name", name, "source.tables", "bf.t,bf.keyless")))) {
            pipeline.start();
            await().atMost(WAIT).until(() -> pipeline.state() == PipelineState.STREAMING || pipeline.state().isFinal());
            BackfillMXBean bean = backfills(name);
            assertThatThrownBy(() -> bean.startBackfill("bf.missing", "")).hasMessageContaining("no table bf.missing");
            assertThatThrownBy(() -> bean.startBackfill("bf.added", "")).hasMessageContaining("not captured");
            assertThatThrownBy(() -> bean.startBackfill("bf.keyless", "")).hasMessageContaining("no primary key");
            assertThatThrownBy(() -> bean.startBackfill("bf.t", "no_such_column > 1"))
                    .hasMessageContaining("the condition does not run on bf.t");
            assertThatThrownBy(() -> bean.startBackfill("bf.t", "1=1; DROP TABLE bf.t")).hasMessageContaining("';'");
            assertThatThrownBy(() -> bean.startBackfill("bf.t", "1=0) UNION SELECT 1, 2 FROM mysql.user -- "))
                    .hasMessageContaining("the condition");
            assertThat(bean.getState()).isEqualTo("NONE");
        }
    }

    @Test
    void aConditionLimitsTheRows() throws Exception {
        String name = "bf_where_" + flavor.name().toLowerCase();
        RecordingProcessor.reset(name);
        Path state = Files.createDirectories(temp.resolve("where"));
        try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, state,
                Map.of("pipeline.name", name, "source.tables", "bf.t")))) {
            pipeline.start();
            await().atMost(WAIT).until(() -> pipeline.state() == PipelineState.STREAMING || pipeline.state().isFinal());
            backfills(name).startBackfill("bf.t", "family = 7");
            await().atMost(WAIT).until(() -> backfills(name).getState().equals("COMPLETED") || pipeline.state().isFinal());
            Map<Long, Long> families = new HashMap<>();
            RecordingProcessor.events(name).forEach(e -> families.merge(e.row().getLong("family"), 1L, Long::sum));
            assertThat(families).containsExactly(Map.entry(7L, 100L));

            // A second run in the same engine starts too.
            String second = backfills(name).startBackfill("bf.t", "family = 8");
            await().atMost(WAIT).until(() -> (backfills(name).getState().equals("COMPLETED")
                    && second.contains(backfills(name).getRunId())) || pipeline.state().isFinal());
            assertThat(RecordingProcessor.events(name)).filteredOn(e -> e.row().getLong("family") == 8L).hasSize(100);
        }
    }

    @Test
    void aTableAddedToTheCaptureIsBackfilledOnTheNextStartOnlyWhenAskedFor() throws Exception {
        String name = "bf_new_" + flavor.name().toLowerCase();
        Path state = Files.createDirectories(temp.resolve("new"));
        RecordingProcessor.reset(name);
        Map<String, String> first = Map.of("pipeline.name", name, "source.tables", "bf\\.t");
        runUntilStreaming(first, state);
        // Added with the default (stream): its rows are not read.
        runUntilStreaming(Map.of("pipeline.name", name, "source.tables", "bf\\.t,bf\\.added_later"), state);
        assertThat(RecordingProcessor.events(name)).isEmpty();
        assertThat(BackfillLog.read(new io.cdcrunner.state.StateDirectory(state)).runs()).isEmpty();

        Map<String, String> added = Map.of("pipeline.name", name, "source.tables", "bf\\.t,bf\\.added_later,bf\\.added",
                "source.new.tables", "backfill");
        try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, state, added))) {
            pipeline.start();
            await().atMost(WAIT).until(() -> backfills(name).getState().equals("COMPLETED") || pipeline.state().isFinal());
            assertThat(backfills(name).getReason()).isEqualTo("new tables");
        }
        List<ChangeEvent> events = RecordingProcessor.events(name);
        assertThat(events).extracting(ChangeEvent::qualifiedTable).containsOnly("bf.added");
        assertThat(events).extracting(e -> e.row().getLong("id")).containsExactlyInAnyOrder(1L, 2L, 3L);

        // The same configuration again: nothing is new.
        runUntilStreaming(added, state);
        assertThat(RecordingProcessor.events(name)).hasSize(3);
        assertThat(BackfillLog.read(new io.cdcrunner.state.StateDirectory(state)).runs()).hasSize(1);
    }

    private void runUntilStreaming(Map<String, String> settings, Path state) throws Exception {
        try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, state, settings))) {
            pipeline.start();
            await().atMost(WAIT).until(() -> pipeline.state() == PipelineState.STREAMING || pipeline.state().isFinal());
            assertThat(pipeline.state()).as("failure: %s", pipeline.failure()).isEqualTo(PipelineState.STREAMING);
        }
    }

    @Test
    void reprocessingAfterAProcessorFixCorrectsEverySummary() throws Exception {
        String name = "bf_fix_" + flavor.name().toLowerCase();
        Path state = Files.createDirectories(temp.resolve("fix"));
        Map<String, String> settings = new HashMap<>(Map.of("pipeline.name", name, "source.tables", "bf.orders",
                "processor.class", FamilyAggregateProcessor.class.getName(),
                "processor.family.table", "bf.orders", "processor.family.column", "family",
                "processor.ordering.column", "family",
                "processor.family.summary.table", "bf.order_totals_" + flavor.name().toLowerCase()));
        // The processor's bug: it sums the wrong column.
        settings.put("processor.family.value.column", "id");
        backfillToTheEnd(settings, state, name);
        FamilySettings fixed = familySettings(settings, "amount");
        List<String> wrong = FamilyAggregateProcessor.mismatches(pool, fixed);
        assertThat(wrong).as("every family's summary is wrong before the fix").hasSize(40);

        settings.put("processor.family.value.column", "amount");
        backfillToTheEnd(settings, state, name);
        assertThat(FamilyAggregateProcessor.mismatches(pool, fixed)).isEmpty();
        assertThat(BackfillLog.read(new io.cdcrunner.state.StateDirectory(state)).runs())
                .extracting(BackfillRun::state).containsExactly(BackfillRun.State.COMPLETED, BackfillRun.State.COMPLETED);
    }

    private void backfillToTheEnd(Map<String, String> settings, Path state, String name) throws Exception {
        try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, state, settings))) {
            pipeline.start();
            await().atMost(WAIT).until(() -> pipeline.state() == PipelineState.STREAMING || pipeline.state().isFinal());
            String run = backfills(name).startBackfill("bf.orders", "");
            await().atMost(WAIT).until(() -> (backfills(name).getState().equals("COMPLETED")
                    && run.contains(backfills(name).getRunId())) || pipeline.state().isFinal());
            assertThat(pipeline.state()).as("failure: %s", pipeline.failure()).isEqualTo(PipelineState.STREAMING);
        }
    }

    private static FamilySettings familySettings(Map<String, String> settings, String valueColumn) {
        Map<String, String> options = new HashMap<>();
        settings.forEach((k, v) -> {
            if (k.startsWith("processor.")) {
                options.put(k.substring("processor.".length()), v);
            }
        });
        options.put("family.value.column", valueColumn);
        return FamilySettings.from(new ProcessorConfig(options));
    }

    @Test
    void aRunStoppedMidwayResumesOnAnotherInstanceSharingTheJdbcState() throws Exception {
        String name = "bf_jdbc_" + flavor.name().toLowerCase();
        RecordingProcessor.reset(name);
        // A short queue: the engine reads no more than a few chunks ahead of the processor.
        Map<String, String> settings = Map.of("pipeline.name", name, "source.tables", "bf.t",
                "backfill.chunk.size", "250", "engine.max.queue.size", "300", "engine.max.batch.size", "100",
                "state.store", "jdbc", "state.jdbc.url", db.jdbcUrl(""),
                "state.jdbc.database", "bf_state_" + flavor.name().toLowerCase());
        String run;
        try (Pipeline first = Pipelines.create(TestPipelines.config(db, Files.createDirectories(temp.resolve("a")), settings))) {
            first.start();
            await().atMost(WAIT).until(() -> first.state() == PipelineState.STREAMING || first.state().isFinal());
            backfills(name).startBackfill("bf.t", "");
            run = backfills(name).getRunId();
            await().atMost(WAIT).until(() -> RecordingProcessor.events(name).size() >= 500 || first.state().isFinal());
        }
        int beforeStop = RecordingProcessor.events(name).size();
        assertThat(beforeStop).as("stopped before the end").isLessThan(5000);
        try (Pipeline second = Pipelines.create(TestPipelines.config(db, Files.createDirectories(temp.resolve("b")), settings))) {
            second.start();
            await().atMost(WAIT).until(() -> backfills(name).getState().equals("COMPLETED") || second.state().isFinal());
            assertThat(backfills(name).getRunId()).isEqualTo(run);
        }
        List<ChangeEvent> events = RecordingProcessor.events(name);
        assertThat(events).allSatisfy(e -> assertThat(e.position().backfill()).isEqualTo(run));
        Map<Long, Long> times = events.stream().collect(Collectors.groupingBy(e -> e.row().getLong("id"),
                Collectors.counting()));
        assertThat(times).as("every row, under the one run").hasSize(5000);
        long again = events.size() - 5000;
        System.out.printf("[backfill %s] stopped after %d rows, delivered again after the restart %d%n", flavor,
                beforeStop, again);
        assertThat(again).as("resumed at a recorded chunk, not from the first").isLessThan(beforeStop);
    }
}
