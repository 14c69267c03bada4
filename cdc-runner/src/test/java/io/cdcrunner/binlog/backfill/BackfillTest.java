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
import io.cdcrunner.testdb.LocalTestDatabase;
import io.cdcrunner.testdb.SharedDatabase;
import io.cdcrunner.testkit.DatabaseTest;
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

    @Parameter
    Flavor flavor;

    @TempDir
    Path temp;

    @BeforeParameterizedClassInvocation
    static void start(Flavor flavor) {
        db = SERVER.start(flavor);
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
                "INSERT INTO bf.added VALUES (1, 1), (2, 2), (3, 3)");
    }

    @AfterParameterizedClassInvocation
    static void stop() {
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
        }
    }
}
