package io.cdcrunner.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

import org.apache.kafka.connect.source.SourceRecord;

import io.cdcrunner.delivery.EventResult;
import io.cdcrunner.delivery.Lanes;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.schema.BinlogPoint;
import io.cdcrunner.schema.SkippedStatementGuard;
import io.cdcrunner.schema.TableEvents;
import io.cdcrunner.binlog.RecordMapper;
import io.cdcrunner.binlog.SchemaChange;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;

/**
 * Receives the engine's record batches, maps each record to a {@link ChangeEvent}, has the lanes process
 * them, then marks records processed in batch order up to the first one that is not finished. A table event
 * (TRUNCATE, DROP) is processed alone: the row changes before it in the batch finish first, those after it start
 * once it has finished. The engine
 * records only marked positions, so the stored offset covers a contiguous prefix of finished events: a
 * crash can deliver events again, never skip one. Runs on the engine's thread; the batch size bounds the
 * events in flight, which is the back-pressure on the binlog reader.
 */
final class EventDispatcher implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {

    private final RecordMapper mapper;
    private final TableEvents tableEvents;
    private final UnmappableRecords unmappable;
    private final Lanes lanes;
    private final Set<Operation> operations;
    private final PipelineCounters counters;
    private final Runnable onSnapshotRecord;
    private final Runnable onStreamRecord;
    private volatile boolean stopRequested;
    private volatile SkippedStatementGuard.Decision fence;
    private volatile boolean fenceReached;
    private volatile boolean inBatch;
    private volatile long lastBatchEndNanos = System.nanoTime();

    EventDispatcher(RecordMapper mapper, TableEvents tableEvents, UnmappableRecords unmappable, Lanes lanes, Set<Operation> operations,
                    PipelineCounters counters,
                    Runnable onSnapshotRecord, Runnable onStreamRecord) {
        this.mapper = mapper;
        this.tableEvents = tableEvents;
        this.unmappable = unmappable;
        this.lanes = lanes;
        this.operations = operations;
        this.counters = counters;
        this.onSnapshotRecord = onSnapshotRecord;
        this.onStreamRecord = onStreamRecord;
    }

    /** Stop taking events: unfinished events of the current batch stay unmarked and come again next start. */
    void requestStop() {
        stopRequested = true;
    }

    /**
     * Processes no record past the statement of {@code decision} (none at all when its position is unknown): the
     * batch that reaches it processes and marks the records before it, and no later batch of this engine run is
     * processed or marked. Called on the binlog thread, before the engine queues anything after the statement.
     */
    void fenceAt(SkippedStatementGuard.Decision decision) {
        fence = decision;
    }

    /**
     * Waits until the records queued before the fence are processed: no batch in progress, none held by a pause, and
     * none handed over for {@code quiet} since the fence was set, which must be longer than the engine takes to hand
     * over a queued batch (a few poll intervals). The caller holds the binlog thread, so nothing new is queued
     * meanwhile.
     *
     * @return false if that did not happen within {@code timeout}, or the pipeline is stopping
     */
    boolean awaitDrained(Duration quiet, Duration timeout, BooleanSupplier held, BooleanSupplier stopping)
            throws InterruptedException {
        long fenced = System.nanoTime();
        long deadline = fenced + timeout.toNanos();
        while (System.nanoTime() < deadline && !stopping.getAsBoolean()) {
            long quietSince = Math.max(fenced, lastBatchEndNanos);
            if (fenceReached || (!inBatch && !held.getAsBoolean() && System.nanoTime() - quietSince >= quiet.toNanos())) {
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

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
                            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        if (stopRequested || fenceReached) {
            return;
        }
        inBatch = true;
        try {
            int fenced = fenceIndex(fence, records);
            if (fenced < records.size()) {
                handleBefore(records.subList(0, fenced), committer);
                fenceReached = true;
                return;
            }
            handleBefore(records, committer);
        } finally {
            lastBatchEndNanos = System.nanoTime();
            inBatch = false;
        }
    }

    private void handleBefore(List<RecordChangeEvent<SourceRecord>> records,
                              DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        if (records.isEmpty()) {
            return;
        }
        Mapped[] mapped = new Mapped[records.size()];
        boolean snapshot = false;
        boolean stream = false;
        for (int i = 0; i < records.size(); i++) {
            SourceRecord record = records.get(i).record();
            mapped[i] = map(record);
            // The engine's schema snapshot is neither rows nor the stream: it does not change the pipeline's state.
            if (mapped[i].mark()) {
                boolean read = isSnapshot(record.sourceOffset());
                snapshot |= read;
                stream |= !read;
            }
        }
        if (snapshot || stream) {
            (snapshot ? onSnapshotRecord : onStreamRecord).run();
        }
        ProcessingHaltedException halt = null;
        int start = 0;
        // Row changes go to the lanes a run at a time; a table event runs alone between two runs.
        while (start < records.size() && halt == null) {
            int end = start;
            while (end < records.size() && !mapped[end].tableEvent()) {
                end++;
            }
            Finished rows = processRows(records, mapped, start, end, committer);
            if (rows.halt() != null || rows.upTo() < end) {
                halt = rows.halt();
                break;
            }
            if (end < records.size()) {
                Finished table = processTableEvents(mapped[end].events());
                if (table.upTo() == 0) {
                    halt = table.halt();
                    break;
                }
                committer.markProcessed(records.get(end));
            }
            start = end + 1;
        }
        committer.markBatchFinished();
        if (halt != null) {
            throw halt;
        }
    }

    /**
     * What a record became: row events to process (none, or one), table events, or a mapping failure to handle; and
     * whether its offset may be recorded once it is done.
     */
    private record Mapped(List<ChangeEvent> events, boolean tableEvent, RuntimeException unmappable, boolean mark) {

        Mapped(List<ChangeEvent> events, boolean tableEvent, RuntimeException unmappable) {
            this(events, tableEvent, unmappable, true);
        }
    }

    /** How far a run of records got: every record before {@code upTo} is marked; {@code halt} when the pipeline stops. */
    private record Finished(int upTo, ProcessingHaltedException halt) {
    }

    private Mapped map(SourceRecord record) {
        ChangeEvent event;
        try {
            event = mapper.map(record);
        } catch (RuntimeException e) {
            // Handled in binlog order, once the events before it are done.
            ChangeEvent described = mapper.describeUnmapped(record);
            boolean delivered = described == null || operations.contains(described.operation());
            return new Mapped(List.of(), false, delivered ? e : null);
        }
        if (event == null) {
            return mapSchemaChange(mapper.schemaChange(record));
        }
        if (!operations.contains(event.operation())) {
            return new Mapped(List.of(), false, null);
        }
        return new Mapped(List.of(event), !event.operation().isRowChange(), null);
    }

    /** A record that is no row change: a schema change (maybe DROP events), or nothing to process. */
    private Mapped mapSchemaChange(SchemaChange schemaChange) {
        if (schemaChange == null) {
            return new Mapped(List.of(), false, null);
        }
        List<ChangeEvent> drops = tableEvents.of(schemaChange);
        if (schemaChange.position().snapshot()) {
            // The engine's schema snapshot carries the position it was taken at, which can be past the position
            // streaming resumes from (a first start records the binlog end before the engine reads the schema):
            // recording it would skip the rows in between.
            return new Mapped(List.of(), false, null, false);
        }
        return drops.isEmpty() || !operations.contains(Operation.DROP)
                ? new Mapped(List.of(), false, null) : new Mapped(drops, true, null);
    }

    /** Processes the row changes of records {@code [start, end)} and marks the finished prefix. */
    private Finished processRows(List<RecordChangeEvent<SourceRecord>> records, Mapped[] mapped, int start, int end,
                                 DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        List<ChangeEvent> events = new ArrayList<>(end - start);
        for (int i = start; i < end; i++) {
            events.addAll(mapped[i].events());
        }
        counters.onReceived(events.size());
        List<EventResult> results = events.isEmpty() ? List.of() : lanes.process(events);
        int next = 0;
        for (int i = start; i < end; i++) {
            if (!mapped[i].events().isEmpty()) {
                ChangeEvent event = mapped[i].events().get(0);
                EventResult result = results.get(next++);
                if (!result.finished()) {
                    return new Finished(i, result.status() == EventResult.Status.HALTED
                            ? new ProcessingHaltedException(event, result.error()) : null);
                }
                counters.onFinished(event.position());
            } else if (mapped[i].unmappable() != null) {
                try {
                    // Stored as a dead letter, then marked like a finished event; or the pipeline stops before it.
                    this.unmappable.handle(records.get(i).record(), mapped[i].unmappable());
                } catch (UnmappableRecords.UnmappableRecordException stop) {
                    return new Finished(i, stop);
                }
            }
            if (mapped[i].mark()) {
                committer.markProcessed(records.get(i));
            }
        }
        return new Finished(end, null);
    }

    /** Processes the table events of one record, each alone in the lanes; {@code upTo} 1 when all finished, else 0. */
    private Finished processTableEvents(List<ChangeEvent> events) throws InterruptedException {
        for (ChangeEvent event : events) {
            counters.onReceived(1);
            EventResult result = lanes.process(List.of(event)).get(0);
            if (!result.finished()) {
                return new Finished(0, result.status() == EventResult.Status.HALTED
                        ? new ProcessingHaltedException(event, result.error()) : null);
            }
            counters.onFinished(event.position());
        }
        return new Finished(1, null);
    }

    private static boolean isSnapshot(Map<String, ?> offset) {
        if (offset == null) {
            return false;
        }
        Object snapshot = offset.get("snapshot");
        return snapshot != null && !"false".equalsIgnoreCase(snapshot.toString())
                && !Boolean.TRUE.equals(offset.get("snapshot_completed"));
    }
}
