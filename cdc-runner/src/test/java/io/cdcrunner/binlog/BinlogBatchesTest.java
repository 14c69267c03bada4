package io.cdcrunner.binlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntUnaryOperator;

import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import io.cdcrunner.binlog.schema.CaptureFilter;
import io.cdcrunner.binlog.schema.TableEvents;
import io.cdcrunner.core.PipelineCounters;
import io.cdcrunner.core.SourceBatch;
import io.cdcrunner.core.SourceConsumer;
import io.cdcrunner.core.SourceItem;
import io.cdcrunner.mapping.RecordMapper;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.testkit.UnitTest;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;

/**
 * The engine's records become items once, and only records the pipeline reported finished are marked, in order, so
 * the engine records no position past an unfinished event; a fenced statement holds back everything from it on.
 */
@UnitTest
class BinlogBatchesTest {

    private final List<SourceBatch> handed = new ArrayList<>();
    /** How many items of each batch the stub pipeline finishes (all by default). */
    private IntUnaryOperator finishes = size -> size;

    private final SourceConsumer pipeline = new SourceConsumer() {
        @Override
        public void accept(SourceBatch batch) {
            handed.add(batch);
            batch.finished(finishes.applyAsInt(batch.items().size()));
        }

        @Override
        public void failed(Throwable reason) {
        }

        @Override
        public void ended(Throwable failure) {
        }

        @Override
        public PipelineCounters counters() {
            return new PipelineCounters();
        }
    };

    private final BinlogBatches batches = new BinlogBatches(new RecordMapper(),
            new TableEvents(new CaptureFilter(List.of("shop"), List.of())), Set.of(Operation.INSERT), pipeline);

    /** Records what the engine was told. */
    private static final class Committer implements DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> {
        final List<Object> marked = new ArrayList<>();
        /** The offsets each record was marked with: its own, or those given in its place. */
        final List<java.util.Map<String, Object>> offsets = new ArrayList<>();
        int batchesFinished;

        @Override
        public void markProcessed(RecordChangeEvent<SourceRecord> record) {
            marked.add(record.record().sourceOffset().get("pos"));
            offsets.add(new java.util.HashMap<>(record.record().sourceOffset()));
        }

        @Override
        public void markBatchFinished() {
            batchesFinished++;
        }

        @Override
        public void markProcessed(RecordChangeEvent<SourceRecord> record, DebeziumEngine.Offsets sourceOffsets) {
            marked.add(record.record().sourceOffset().get("pos"));
            offsets.add(((Offsets) sourceOffsets).values);
        }

        @Override
        public DebeziumEngine.Offsets buildOffsets() {
            return new Offsets();
        }
    }

    private static final class Offsets implements DebeziumEngine.Offsets {
        final java.util.Map<String, Object> values = new java.util.HashMap<>();

        @Override
        public void set(String key, Object value) {
            values.put(key, value);
        }
    }

    private static List<RecordChangeEvent<SourceRecord>> records(SourceRecord... records) {
        return java.util.Arrays.stream(records).<RecordChangeEvent<SourceRecord>>map(r -> () -> r).toList();
    }

    @Test
    void eachRecordBecomesOneItemAndFinishedRecordsAreMarkedInOrder() throws Exception {
        Committer committer = new Committer();
        batches.handleBatch(records(TestRecords.insert(1, false), TestRecords.heartbeat(4001L),
                TestRecords.insert(2, true), TestRecords.insert(3, false)), committer);

        List<SourceItem> items = handed.get(0).items();
        assertThat(items).hasSize(4);
        assertThat(items.get(0).events()).singleElement().satisfies(e -> assertThat(e.after().get("id")).isEqualTo(1));
        assertThat(items.get(1).events()).isEmpty();
        assertThat(items.get(2).unmappable()).isNotNull();
        assertThat(items.get(2).unmappable().described().qualifiedTable()).isEqualTo("shop.orders");
        assertThat(items).extracting(SourceItem::phase).containsOnly(SourceItem.Phase.STREAM);
        assertThat(committer.marked).containsExactly(4001L, 4001L, 4002L, 4003L);
        assertThat(committer.batchesFinished).isEqualTo(1);
    }

    @Test
    void thePhaseIsTheEventsOwnSnapshotMarkerAndTheSnapshotsLastRowEndsIt() throws Exception {
        Committer committer = new Committer();
        batches.handleBatch(records(TestRecords.snapshotRow(1, "first"), TestRecords.snapshotRow(2, "true"),
                TestRecords.snapshotRow(3, "last"), TestRecords.insert(4, false), TestRecords.heartbeat(4005L)),
                committer);

        List<SourceItem> items = handed.get(0).items();
        // The last row's offset already says the snapshot completed; its event still says it was read by the snapshot.
        assertThat(items).extracting(SourceItem::phase).containsExactly(SourceItem.Phase.SNAPSHOT,
                SourceItem.Phase.SNAPSHOT, SourceItem.Phase.STREAM, SourceItem.Phase.STREAM, SourceItem.Phase.STREAM);
        assertThat(items.subList(0, 4)).extracting(item -> item.events().get(0).position().snapshot())
                .containsExactly(true, true, true, false);
        // Rows before the last are recorded as mid-snapshot; the last records where streaming starts, without the
        // marker, so a stop right after it does not read every table again.
        assertThat(committer.offsets.get(1)).containsEntry("snapshot", "INITIAL");
        assertThat(committer.offsets.get(2)).containsEntry("file", "binlog.000003").containsEntry("pos", 4000L)
                .doesNotContainKeys("snapshot", "snapshot_completed");
    }

    @Test
    void aBackfilledRowIsRecordedWithoutTheBinlogRowTheEngineWasHandlingWhenItReleasedTheRow() throws Exception {
        // The engine releases a chunk's rows before the binlog row change that closed the chunk's window, with that
        // change's offset: event 4 of the transaction after 0-1-46, its first row (row=1: one row of the event done).
        Map<String, Object> closing = Map.of("file", "binlog.000003", "pos", 4000L, "gtids", "0-1-46", "event", 4L,
                "row", 1L, "incremental_snapshot_correlation_id", "b1");
        Map<String, Object> thirdRow = new java.util.HashMap<>(closing);
        thirdRow.put("row", 3L);
        Committer committer = new Committer();
        batches.handleBatch(records(TestRecords.backfillRow(1, closing), TestRecords.backfillRow(2, thirdRow),
                TestRecords.insert(3, false)), committer);

        assertThat(handed.get(0).items().get(0).events()).singleElement()
                .satisfies(e -> assertThat(e.position().backfill()).isEqualTo("b1"));
        // A restart from the first resumes at the change itself (no row of event 4 skipped), from the second at the
        // change's third row; both still carry the run.
        assertThat(committer.offsets.get(0)).containsEntry("gtids", "0-1-46").containsEntry("event", 4L)
                .containsEntry("incremental_snapshot_correlation_id", "b1").doesNotContainKey("row");
        assertThat(committer.offsets.get(1)).containsEntry("event", 4L).containsEntry("row", 2L);
        // A change read from the binlog is recorded with its own offset.
        assertThat(committer.offsets.get(2)).isEqualTo(Map.of("file", "binlog.000003", "pos", 4003L));
    }

    @Test
    void recordsAfterTheFinishedPrefixAreNotMarked() throws Exception {
        finishes = size -> 1;
        Committer committer = new Committer();
        batches.handleBatch(records(TestRecords.insert(1, false), TestRecords.insert(2, false),
                TestRecords.insert(3, false)), committer);
        assertThat(committer.marked).containsExactly(4001L);
        // The batch still ends for the engine, which then flushes what was marked.
        assertThat(committer.batchesFinished).isEqualTo(1);
    }

    @Test
    void anOperationNotDeliveredIsNothingToProcessButStillMarked() throws Exception {
        BinlogBatches deletesOnly = new BinlogBatches(new RecordMapper(),
                new TableEvents(new CaptureFilter(List.of("shop"), List.of())), Set.of(Operation.DELETE), pipeline);
        Committer committer = new Committer();
        deletesOnly.handleBatch(records(TestRecords.insert(1, false), TestRecords.insert(2, true)), committer);
        // An insert that is not delivered, even one that could not be mapped, is passed over.
        assertThat(handed.get(0).items()).allSatisfy(item -> {
            assertThat(item.events()).isEmpty();
            assertThat(item.unmappable()).isNull();
            assertThat(item.passedOver().qualifiedTable()).isEqualTo("shop.orders");
        });
        assertThat(committer.marked).containsExactly(4001L, 4002L);
    }

    @Test
    void aFenceHandsOverOnlyTheRecordsBeforeTheStatementsTransactionAndNothingAfter() throws Exception {
        UnreadableStatement statement = new UnreadableStatement(UnreadableStatement.Kind.UNPARSEABLE_DDL,
                Set.of("shop.orders"), "ALTER TABLE shop.orders ...", Optional.of(new BinlogPoint("binlog.000003", 4003L)),
                Optional.of(new BinlogPoint("binlog.000003", 4002L)));
        batches.fenceAt(new SkippedStatementGuard.Decision(statement, SkippedStatementGuard.Decision.Action.STOP, "test"));
        Committer committer = new Committer();
        batches.handleBatch(records(TestRecords.insert(1, false), TestRecords.insert(2, false),
                TestRecords.insert(3, false)), committer);
        assertThat(handed).singleElement().satisfies(batch -> assertThat(batch.items()).hasSize(1));
        assertThat(committer.marked).containsExactly(4001L);

        Committer later = new Committer();
        batches.handleBatch(records(TestRecords.insert(4, false)), later);
        assertThat(handed).hasSize(1);
        assertThat(later.marked).isEmpty();
        assertThat(batches.awaitDrained(java.time.Duration.ofMillis(1), java.time.Duration.ofSeconds(1), () -> false))
                .isTrue();

        // A new engine run starts without the fence.
        batches.clearFence();
        batches.handleBatch(records(TestRecords.insert(4, false)), later);
        assertThat(later.marked).containsExactly(4004L);
    }

    @Test
    void aFenceWithoutAKnownPositionHoldsBackTheWholeBatch() throws Exception {
        UnreadableStatement unlocated = UnreadableStatement.unlocated(UnreadableStatement.Kind.ROWLESS_DML,
                Set.of("shop.orders"), "INSERT INTO shop.orders ...");
        batches.fenceAt(new SkippedStatementGuard.Decision(unlocated, SkippedStatementGuard.Decision.Action.STOP, "test"));
        Committer committer = new Committer();
        batches.handleBatch(records(TestRecords.insert(1, false)), committer);
        assertThat(handed).isEmpty();
        assertThat(committer.marked).isEmpty();
    }
}
