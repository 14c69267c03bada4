package io.cdcrunner.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.connect.source.SourceRecord;

import io.cdcrunner.delivery.EventResult;
import io.cdcrunner.delivery.Lanes;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.source.RecordMapper;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;

/**
 * Receives the engine's record batches, maps each record to a {@link ChangeEvent}, has the lanes process
 * them, then marks records processed in batch order up to the first one that is not finished. The engine
 * records only marked positions, so the stored offset covers a contiguous prefix of finished events: a
 * crash can deliver events again, never skip one. Runs on the engine's thread; the batch size bounds the
 * events in flight, which is the back-pressure on the binlog reader.
 */
final class EventDispatcher implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {

    private final RecordMapper mapper;
    private final Lanes lanes;
    private final Set<Operation> operations;
    private final PipelineCounters counters;
    private final Runnable onSnapshotRecord;
    private final Runnable onStreamRecord;
    private volatile boolean stopRequested;

    EventDispatcher(RecordMapper mapper, Lanes lanes, Set<Operation> operations, PipelineCounters counters,
                    Runnable onSnapshotRecord, Runnable onStreamRecord) {
        this.mapper = mapper;
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

    boolean stopRequested() {
        return stopRequested;
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
                            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        if (stopRequested) {
            return;
        }
        List<ChangeEvent> mapped = new ArrayList<>(records.size());
        List<ChangeEvent> events = new ArrayList<>(records.size());
        boolean snapshot = false;
        for (RecordChangeEvent<SourceRecord> change : records) {
            SourceRecord record = change.record();
            snapshot |= isSnapshot(record.sourceOffset());
            ChangeEvent event = mapper.map(record);
            if (event != null && !operations.contains(event.operation())) {
                event = null;
            }
            mapped.add(event);
            if (event != null) {
                events.add(event);
            }
        }
        (snapshot ? onSnapshotRecord : onStreamRecord).run();
        counters.onReceived(events.size());
        List<EventResult> results = events.isEmpty() ? List.of() : lanes.process(events);

        int next = 0;
        ProcessingHaltedException halt = null;
        for (int i = 0; i < records.size(); i++) {
            ChangeEvent event = mapped.get(i);
            if (event != null) {
                EventResult result = results.get(next++);
                if (!result.finished()) {
                    if (result.status() == EventResult.Status.HALTED) {
                        halt = new ProcessingHaltedException(event, result.error());
                    }
                    break;
                }
                counters.onFinished(event.position());
            }
            committer.markProcessed(records.get(i));
        }
        committer.markBatchFinished();
        if (halt != null) {
            throw halt;
        }
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
