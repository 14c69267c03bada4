package io.cdcrunner.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import io.cdcrunner.core.PipelineCounters;
import io.cdcrunner.core.ProcessingHaltedException;
import io.cdcrunner.core.SourceBatch;
import io.cdcrunner.core.SourceItem;
import io.cdcrunner.delivery.EventResult;
import io.cdcrunner.delivery.EventRuns;
import io.cdcrunner.delivery.PauseGate;
import io.cdcrunner.metrics.SourceLag;
import io.cdcrunner.processor.ChangeEvent;

/**
 * Processes a source's batches: holds a batch while an operator has paused the pipeline, tells the lag metric which
 * batch is being processed, has the lanes process the events, and reports items finished in batch order up to the
 * first one that is not. A table event (TRUNCATE, DROP) is processed alone: the row changes before it in the batch
 * finish first, those after it start once it has finished. The source records only positions reported finished, so
 * the stored position covers a contiguous prefix of finished events: a crash can deliver events again, never skip
 * one. Runs on the source's thread; the batch size bounds the events in flight, which is the back-pressure on the
 * source.
 */
final class EventDispatcher {

    private final EventRuns lanes;
    private final UnmappableRecords unmappable;
    private final PipelineCounters counters;
    private final PauseGate pauseGate;
    private final SourceLag lag;
    private final BooleanSupplier stopping;
    private final Runnable onSnapshot;
    private final Runnable onStream;

    EventDispatcher(EventRuns lanes, UnmappableRecords unmappable, PipelineCounters counters, PauseGate pauseGate,
                    SourceLag lag, BooleanSupplier stopping, Runnable onSnapshot, Runnable onStream) {
        this.lanes = lanes;
        this.unmappable = unmappable;
        this.counters = counters;
        this.pauseGate = pauseGate;
        this.lag = lag;
        this.stopping = stopping;
        this.onSnapshot = onSnapshot;
        this.onStream = onStream;
    }

    /**
     * Processes {@code batch}; after a stop was requested, nothing (unfinished items stay unreported and come again
     * at the next start). A held batch (paused) reports nothing either.
     *
     * @throws ProcessingHaltedException when the pipeline is to stop before an item
     */
    void dispatch(SourceBatch batch) throws InterruptedException {
        List<SourceItem> items = batch.items();
        if (stopping.getAsBoolean() || items.isEmpty()) {
            return;
        }
        lag.batchStarted(oldestCommitMillis(items));
        try {
            if (pauseGate.awaitOpen(stopping) && !stopping.getAsBoolean()) {
                process(items, batch);
            }
        } finally {
            lag.batchFinished();
        }
    }

    private void process(List<SourceItem> items, SourceBatch batch) throws InterruptedException {
        announcePhase(items);
        int start = 0;
        // Row changes go to the lanes a run at a time; a table event runs alone between two runs, and so does a record
        // that could not be mapped: a stop before it (halt) leaves every later event unprocessed.
        while (start < items.size()) {
            int end = start;
            while (end < items.size() && !items.get(end).tableEvents() && items.get(end).unmappable() == null) {
                end++;
            }
            if (!processRows(items, start, end, batch) || end == items.size()) {
                return;
            }
            SourceItem between = items.get(end);
            if (between.unmappable() != null) {
                handleUnmappable(between.unmappable(), end, batch);
            } else if (!processTableEvents(between.events())) {
                return;
            }
            batch.finished(end + 1);
            start = end + 1;
        }
    }

    /** Stored as a dead letter, then finished like an event; or the pipeline stops before it. */
    private void handleUnmappable(SourceItem.Unmappable record, int index, SourceBatch batch) {
        try {
            unmappable.handle(record);
        } catch (UnmappableRecords.UnmappableRecordException stop) {
            batch.finished(index);
            throw stop;
        }
    }

    /** The pipeline's state follows the source: the phase of the batch's last item that has one. */
    private void announcePhase(List<SourceItem> items) {
        for (int i = items.size() - 1; i >= 0; i--) {
            SourceItem.Phase phase = items.get(i).phase();
            if (phase != SourceItem.Phase.NONE) {
                (phase == SourceItem.Phase.SNAPSHOT ? onSnapshot : onStream).run();
                return;
            }
        }
    }

    /**
     * Processes the row changes of items {@code [start, end)}, reporting the finished prefix.
     *
     * @return false when a stop left some unfinished
     */
    private boolean processRows(List<SourceItem> items, int start, int end, SourceBatch batch)
            throws InterruptedException {
        List<ChangeEvent> events = new ArrayList<>(end - start);
        for (int i = start; i < end; i++) {
            events.addAll(items.get(i).events());
        }
        counters.onReceived(events.size());
        List<EventResult> results = events.isEmpty() ? List.of() : lanes.process(events);
        int next = 0;
        for (int i = start; i < end; i++) {
            SourceItem item = items.get(i);
            for (ChangeEvent event : item.events()) {
                EventResult result = results.get(next++);
                if (!result.finished()) {
                    batch.finished(i);
                    // A halt in one lane makes the others abandon their events, which can come earlier in the
                    // batch: the halt, wherever it is, stops the pipeline.
                    haltIfAnyHalted(events, results);
                    return false;
                }
                counters.onFinished(event.position());
            }
        }
        batch.finished(end);
        return true;
    }

    /** Processes the table events of one item, each alone in the lanes; false when a stop left one unfinished. */
    private boolean processTableEvents(List<ChangeEvent> events) throws InterruptedException {
        for (ChangeEvent event : events) {
            counters.onReceived(1);
            EventResult result = lanes.process(List.of(event)).get(0);
            if (!result.finished()) {
                haltIfHalted(event, result);
                return false;
            }
            counters.onFinished(event.position());
        }
        return true;
    }

    /** Stops the pipeline at the first halted event among {@code results}, if one halted. */
    private static void haltIfAnyHalted(List<ChangeEvent> events, List<EventResult> results) {
        for (int i = 0; i < results.size(); i++) {
            haltIfHalted(events.get(i), results.get(i));
        }
    }

    /** An unfinished event stops the pipeline when it halted; otherwise a stop was requested while it ran. */
    private static void haltIfHalted(ChangeEvent event, EventResult result) {
        if (result.status() == EventResult.Status.HALTED) {
            throw new ProcessingHaltedException(event, result.error());
        }
    }

    /** The commit time of the first change in the batch (source order), processed or passed over, or -1. */
    static long oldestCommitMillis(List<SourceItem> items) {
        for (SourceItem item : items) {
            List<ChangeEvent> changes = item.passedOver() != null ? List.of(item.passedOver()) : item.events();
            for (ChangeEvent event : changes) {
                if (event.commitTime() != null) {
                    return event.commitTime().toEpochMilli();
                }
            }
        }
        return -1;
    }
}
