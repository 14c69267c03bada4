package io.cdcrunner.pipeline;

import java.util.List;
import java.util.function.BooleanSupplier;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import io.cdcrunner.delivery.PauseGate;
import io.cdcrunner.metrics.SourceLag;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;

/**
 * Stands before the dispatcher on the engine thread: tells the lag metric which batch is held, and holds the batch
 * while an operator has paused the pipeline. A held batch is not marked processed, so a stop while paused loses
 * nothing.
 */
final class BatchGate implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {

    private final DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> dispatcher;
    private final PauseGate pauseGate;
    private final SourceLag lag;
    private final BooleanSupplier stopping;

    BatchGate(DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> dispatcher, PauseGate pauseGate,
              SourceLag lag, BooleanSupplier stopping) {
        this.dispatcher = dispatcher;
        this.pauseGate = pauseGate;
        this.lag = lag;
        this.stopping = stopping;
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
                            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        lag.batchStarted(oldestCommitMillis(records));
        try {
            if (pauseGate.awaitOpen(stopping)) {
                dispatcher.handleBatch(records, committer);
            }
        } finally {
            lag.batchFinished();
        }
    }

    /** The source commit time of the first row change in the batch (binlog order), or -1 if there is none. */
    static long oldestCommitMillis(List<RecordChangeEvent<SourceRecord>> records) {
        for (RecordChangeEvent<SourceRecord> change : records) {
            if (change.record().value() instanceof Struct envelope) {
                Field source = envelope.schema().field("source");
                if (source != null && envelope.get(source) instanceof Struct info
                        && info.schema().field("ts_ms") != null && info.get("ts_ms") instanceof Long millis) {
                    return millis;
                }
            }
        }
        return -1;
    }
}
