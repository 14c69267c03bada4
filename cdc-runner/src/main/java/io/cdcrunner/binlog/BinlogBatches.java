package io.cdcrunner.binlog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

import org.apache.kafka.connect.source.SourceRecord;

import io.cdcrunner.binlog.schema.TableEvents;
import io.cdcrunner.core.SourceBatch;
import io.cdcrunner.core.SourceConsumer;
import io.cdcrunner.core.SourceItem.Phase;
import io.cdcrunner.core.SourceItem;
import io.cdcrunner.debezium.ConnectorOffsets;
import io.cdcrunner.mapping.RecordItems;
import io.cdcrunner.mapping.RecordMapper;
import io.cdcrunner.processor.Operation;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;

/**
 * Turns the engine's record batches into {@link SourceBatch}es: each record is mapped once, into the item the
 * pipeline processes, and when the pipeline reports items finished their records are marked processed, so the
 * engine records only positions past finished events. Holds back everything from a fenced statement on (see
 * {@link #fenceAt}). Runs on the engine's thread.
 */
final class BinlogBatches implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {

    private final RecordMapper mapper;
    private final RecordItems recordItems;
    private final SourceConsumer consumer;
    private volatile SkippedStatementGuard.Decision fence;
    private volatile boolean fenceReached;
    private volatile boolean inBatch;
    private volatile long lastBatchEndNanos = System.nanoTime();

    /** Told of every backfilled row processed. */
    private final java.util.function.Consumer<io.cdcrunner.processor.ChangeEvent> backfilled;
    /** Told of the offset of every record marked processed, in order. */
    private final java.util.function.Consumer<java.util.Map<String, ?>> marked;

    BinlogBatches(RecordMapper mapper, TableEvents tableEvents, Set<Operation> operations, SourceConsumer consumer) {
        this(mapper, tableEvents, operations, consumer, event -> { }, offset -> { });
    }

    BinlogBatches(RecordMapper mapper, TableEvents tableEvents, Set<Operation> operations, SourceConsumer consumer,
                  java.util.function.Consumer<io.cdcrunner.processor.ChangeEvent> backfilled,
                  java.util.function.Consumer<java.util.Map<String, ?>> marked) {
        this.backfilled = backfilled;
        this.marked = marked;
        this.mapper = mapper;
        this.recordItems = new RecordItems(mapper, tableEvents, operations);
        this.consumer = consumer;
    }

    /**
     * Hands over no record past the statement of {@code decision} (none at all when its position is unknown): the
     * batch that reaches it hands over the records before it, and no later batch of this engine run is handed over or
     * marked. Called on the binlog thread, before the engine queues anything after the statement.
     */
    void fenceAt(SkippedStatementGuard.Decision decision) {
        fence = decision;
    }

    /**
     * Waits until the records queued before the fence are processed: no batch in progress (a paused pipeline holds
     * one), and none handed over for {@code quiet} since the fence was set, which must be longer than the engine takes
     * to hand over a queued batch (a few poll intervals). The caller holds the binlog thread, so nothing new is
     * queued meanwhile.
     *
     * @return false if that did not happen within {@code timeout}, or {@code stopping} says so
     */
    boolean awaitDrained(Duration quiet, Duration timeout, BooleanSupplier stopping) throws InterruptedException {
        long fenced = System.nanoTime();
        long deadline = fenced + timeout.toNanos();
        while (System.nanoTime() < deadline && !stopping.getAsBoolean()) {
            long quietSince = Math.max(fenced, lastBatchEndNanos);
            if (fenceReached || (!inBatch && System.nanoTime() - quietSince >= quiet.toNanos())) {
                return true;
            }
            Thread.sleep(Math.max(1, quiet.toMillis() / 5));
        }
        return false;
    }

    /** Called before the engine starts again: a fence belongs to the run that read its statement. */
    void clearFence() {
        fence = null;
        fenceReached = false;
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
                            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        if (fenceReached) {
            return;
        }
        inBatch = true;
        try {
            int fenced = fenceIndex(fence, records);
            if (fenced > 0) {
                Batch batch = new Batch(records.subList(0, fenced), committer);
                try {
                    consumer.accept(batch);
                } finally {
                    committer.markBatchFinished();
                }
            }
            if (fenced < records.size()) {
                fenceReached = true;
            }
        } finally {
            lastBatchEndNanos = System.nanoTime();
            inBatch = false;
        }
    }

    /** The index of the first record past the fence, or the batch size. */
    private static int fenceIndex(SkippedStatementGuard.Decision current, List<RecordChangeEvent<SourceRecord>> records) {
        if (current == null) {
            return records.size();
        }
        if (current.change().fence().isEmpty()) {
            return 0;
        }
        BinlogPoint fence = current.change().fence().get();
        for (int i = 0; i < records.size(); i++) {
            Optional<BinlogPoint> at = BinlogPoint.fromOffset(records.get(i).record().sourceOffset());
            // A record's position is its transaction's start: the statement's own transaction is fenced too.
            if (at.isEmpty() || at.get().compareTo(fence) >= 0) {
                return i;
            }
        }
        return records.size();
    }

    /** The records of one batch and what each became, index for index. */
    private final class Batch implements SourceBatch {

        private final List<RecordChangeEvent<SourceRecord>> records;
        private final List<SourceItem> items;
        private final DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer;
        private int finished;

        Batch(List<RecordChangeEvent<SourceRecord>> records,
              DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) {
            this.records = records;
            this.committer = committer;
            List<SourceItem> mapped = new ArrayList<>(records.size());
            for (RecordChangeEvent<SourceRecord> record : records) {
                mapped.add(recordItems.item(record.record()));
            }
            this.items = mapped;
        }

        @Override
        public List<SourceItem> items() {
            return items;
        }

        @Override
        public void finished(int upTo) {
            for (int i = finished; i < upTo; i++) {
                // The engine's schema snapshot is not marked: its position can be past where streaming resumes.
                if (items.get(i).phase() != Phase.NONE) {
                    for (io.cdcrunner.processor.ChangeEvent event : items.get(i).events()) {
                        if (event.isBackfill()) {
                            backfilled.accept(event);
                        }
                    }
                    try {
                        mark(records.get(i));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            finished = Math.max(finished, upTo);
        }

        /**
         * Marks a record processed. The snapshot's last row is recorded as the position streaming starts from, without
         * the engine's "snapshot running" marker: its offset still carries it (the engine ends the snapshot after
         * handing the row over), and a restart would read every table again ({@link StartPlan}).
         */
        private void mark(RecordChangeEvent<SourceRecord> record) throws InterruptedException {
            SourceRecord source = record.record();
            marked.accept(source.sourceOffset());
            if (source.sourceOffset() != null && mapper.readByBackfill(source)) {
                committer.markProcessed(record, backfillOffsets(source.sourceOffset()));
                return;
            }
            // Only a snapshot's offsets carry the marker: streamed records are not looked into further.
            if (source.sourceOffset() == null || !source.sourceOffset().containsKey(ConnectorOffsets.SNAPSHOT)
                    || !mapper.endsSnapshot(source)) {
                committer.markProcessed(record);
                return;
            }
            DebeziumEngine.Offsets streamingFrom = committer.buildOffsets();
            source.sourceOffset().forEach((key, value) -> {
                if (!ConnectorOffsets.SNAPSHOT.equals(key) && !ConnectorOffsets.SNAPSHOT_COMPLETED.equals(key)) {
                    streamingFrom.set(key, value);
                }
            });
            committer.markProcessed(record, streamingFrom);
        }

        /**
         * The offsets to record for a row a backfill read: its own, except that they do not count the binlog row the
         * engine was handling when it released the row. The engine releases a chunk's rows while it handles the
         * binlog row change that closes the chunk's window, before it hands that change over, yet with that change's
         * offset, which counts it as done ({@code row} = rows of its event done, itself included). Recorded as they
         * are, a stop or crash after the chunk's last row and before that change would resume past the change and
         * never deliver it. One row fewer resumes at the change itself: it comes (again) after a restart. When the
         * window closed on anything else (a transaction's start or end, a change of a table not captured), at worst a
         * row already delivered comes again.
         */
        private DebeziumEngine.Offsets backfillOffsets(java.util.Map<String, ?> offset) {
            DebeziumEngine.Offsets resumeAt = committer.buildOffsets();
            offset.forEach((key, value) -> {
                if (!ConnectorOffsets.ROW.equals(key)) {
                    resumeAt.set(key, value);
                }
            });
            if (offset.get(ConnectorOffsets.ROW) instanceof Number rows && rows.longValue() > 1) {
                resumeAt.set(ConnectorOffsets.ROW, rows.longValue() - 1);
            }
            return resumeAt;
        }
    }
}
