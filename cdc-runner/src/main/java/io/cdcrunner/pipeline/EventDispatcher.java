package io.cdcrunner.pipeline;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.connect.source.SourceRecord;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.EventProcessor;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.source.RecordMapper;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;

/**
 * Receives the engine's record batches, maps each record to a {@link ChangeEvent}, runs the processor and
 * marks the record processed only after the processor returned, so the engine's recorded offset never
 * passes an event that was not processed. Runs on the engine's processing thread.
 */
final class EventDispatcher implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {

    private final RecordMapper mapper;
    private final EventProcessor processor;
    private final Set<Operation> operations;
    private final PipelineCounters counters;
    private final ProcessedListener listener;
    private final Runnable onSnapshotRecord;
    private final Runnable onStreamRecord;
    private volatile boolean stopRequested;

    EventDispatcher(RecordMapper mapper, EventProcessor processor, Set<Operation> operations,
                    PipelineCounters counters, ProcessedListener listener,
                    Runnable onSnapshotRecord, Runnable onStreamRecord) {
        this.mapper = mapper;
        this.processor = processor;
        this.operations = operations;
        this.counters = counters;
        this.listener = listener;
        this.onSnapshotRecord = onSnapshotRecord;
        this.onStreamRecord = onStreamRecord;
    }

    /** Stop taking events: the rest of the current batch stays unmarked and is delivered again next start. */
    void requestStop() {
        stopRequested = true;
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
                            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        for (RecordChangeEvent<SourceRecord> change : records) {
            if (stopRequested) {
                break;
            }
            SourceRecord record = change.record();
            (isSnapshot(record.sourceOffset()) ? onSnapshotRecord : onStreamRecord).run();
            ChangeEvent event = mapper.map(record);
            if (event != null && operations.contains(event.operation())) {
                process(event, committer);
            }
            committer.markProcessed(change);
        }
        committer.markBatchFinished();
    }

    private void process(ChangeEvent event, DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        counters.onReceived();
        try {
            processor.process(event);
        } catch (Exception e) {
            counters.onFailed();
            // Record the position reached so far, then stop before this event.
            committer.markBatchFinished();
            throw new ProcessingHaltedException(event, e);
        }
        counters.onProcessed(event.position());
        listener.processed(event, System.nanoTime());
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
