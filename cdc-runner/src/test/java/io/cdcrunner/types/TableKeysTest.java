package io.cdcrunner.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

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
import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.Row;
import io.cdcrunner.testdb.LocalTestDatabase;
import io.cdcrunner.testdb.SharedDatabase;
import io.cdcrunner.testkit.DatabaseTest;

/** Tables with a composite primary key and without any: delivered, with the key and order docs/types.md states. */
@DatabaseTest
@ParameterizedClass(name = "{0}")
@EnumSource(Flavor.class)
class TableKeysTest {

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
        db.execute("CREATE DATABASE k",
                // The key's columns in key order, which is not the table's column order.
                "CREATE TABLE k.lines (order_id INT, line INT, sku VARCHAR(10), PRIMARY KEY (line, order_id))",
                "CREATE TABLE k.log (msg VARCHAR(20), n INT)");
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        SERVER.close();
    }

    private Pipeline pipeline(String name, Map<String, String> extra) throws Exception {
        RecordingProcessor.reset(name);
        Map<String, String> settings = new java.util.HashMap<>(Map.of("pipeline.name", name,
                "source.tables", "k.lines,k.log", "source.operations", "insert,update,delete",
                "processor.threads", "4"));
        settings.putAll(extra);
        Pipeline pipeline = Pipelines.create(TestPipelines.config(db, Files.createDirectories(temp.resolve(name)), settings));
        pipeline.start();
        return pipeline;
    }

    @Test
    void compositeAndMissingKeysAreDeliveredAndAKeylessTableKeepsCommitOrderAcrossLanes() throws Exception {
        try (Pipeline pipeline = pipeline("keys", Map.of())) {
            db.execute("INSERT INTO k.lines VALUES (10, 1, 'a'), (10, 2, 'b')",
                    "UPDATE k.lines SET sku = 'c' WHERE order_id = 10 AND line = 2",
                    "DELETE FROM k.lines WHERE order_id = 10 AND line = 1");
            for (int n = 0; n < 300; n++) {
                db.execute("INSERT INTO k.log VALUES ('same', " + n + ")");
            }
            db.execute("UPDATE k.log SET msg = 'changed' WHERE n = 7", "DELETE FROM k.log WHERE n = 8");
            await().atMost(WAIT).until(() -> RecordingProcessor.events("keys").size() >= 306 || pipeline.state().isFinal());
            assertThat(pipeline.state()).isEqualTo(PipelineState.STREAMING);
        }
        // Changes of different rows may finish in any order across lanes: read them in binlog order.
        List<ChangeEvent> lines = of("keys", "lines").stream().sorted(java.util.Comparator.comparing(
                (ChangeEvent e) -> e.position().binlogPosition()).thenComparing(e -> e.position().row())).toList();
        assertThat(lines).extracting(ChangeEvent::operation)
                .containsExactly(Operation.INSERT, Operation.INSERT, Operation.UPDATE, Operation.DELETE);
        assertThat(lines.get(2).key()).isEqualTo(Row.of(Map.of("line", 2, "order_id", 10)));
        assertThat(lines.get(2).key().columns()).containsExactly("line", "order_id");
        assertThat(lines.get(3).key()).isEqualTo(Row.of(Map.of("line", 1, "order_id", 10)));

        List<ChangeEvent> log = of("keys", "log");
        assertThat(log).hasSize(302);
        assertThat(log).allSatisfy(e -> assertThat(e.key().isEmpty()).isTrue());
        // One ordering key for the whole table: four lanes, yet every change in commit order.
        assertThat(log.subList(0, 300)).extracting(e -> e.after().get("n"))
                .containsExactlyElementsOf(IntStream.range(0, 300).boxed().toList());
        assertThat(log.get(300).operation()).isEqualTo(Operation.UPDATE);
        assertThat(log.get(300).before()).isEqualTo(Row.of(Map.of("msg", "same", "n", 7)));
        assertThat(log.get(301).operation()).isEqualTo(Operation.DELETE);
        assertThat(log.get(301).before()).isEqualTo(Row.of(Map.of("msg", "same", "n", 8)));
        assertThat(log).extracting(ChangeEvent::eventId).doesNotHaveDuplicates();
    }

    @Test
    void aSnapshotOfAKeylessTableGivesDistinctRowsDistinctIdsAndIdenticalRowsOne() throws Exception {
        db.execute("CREATE TABLE k.plain (a INT, b VARCHAR(5))",
                "INSERT INTO k.plain VALUES (1, 'x'), (2, 'x'), (2, 'x'), (3, NULL)");
        try (Pipeline pipeline = pipeline("plain", Map.of("source.tables", "k.plain", "source.start", "snapshot"))) {
            await().atMost(WAIT).until(() -> RecordingProcessor.events("plain").size() >= 4 || pipeline.state().isFinal());
            assertThat(pipeline.state()).isNotEqualTo(PipelineState.FAILED);
        }
        List<ChangeEvent> rows = RecordingProcessor.events("plain");
        assertThat(rows).hasSize(4).allSatisfy(e -> assertThat(e.position().snapshot()).isTrue());
        // Every row of one snapshot carries the position it began at.
        String began = rows.get(0).position().binlogFile() + ":" + rows.get(0).position().binlogPosition();
        assertThat(rows).extracting(ChangeEvent::eventId).containsExactlyInAnyOrder(
                "snapshot:" + began + ":k.plain:row:1:x", "snapshot:" + began + ":k.plain:row:2:x",
                "snapshot:" + began + ":k.plain:row:2:x", "snapshot:" + began + ":k.plain:row:3:null");
    }

    private static List<ChangeEvent> of(String pipeline, String table) {
        return RecordingProcessor.events(pipeline).stream().filter(e -> e.table().equals(table)).toList();
    }
}
