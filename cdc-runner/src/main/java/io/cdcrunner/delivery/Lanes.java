package io.cdcrunner.delivery;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.TransactionalGroupProcessor;

/**
 * Processing lanes. A batch is split by ordering key: each key's events go to one lane, in batch (commit)
 * order, and lanes run in parallel. {@link #process} returns when every lane finished its part, so the
 * caller can advance the recorded position over the batch's contiguous finished prefix: a crash can make
 * events run again, never skip one. With one lane the caller's thread does the work (no hand-off).
 */
public final class Lanes implements EventRuns, AutoCloseable {

    private final int lanes;
    private final OrderingKey orderingKey;
    private final RetryingDelivery delivery;
    private final ProcessedListener listener;
    private final BooleanSupplier stopping;
    private final ExecutorService[] executors;

    public Lanes(int lanes, OrderingKey orderingKey, RetryingDelivery delivery, ProcessedListener listener,
                 BooleanSupplier stopping, String pipelineName) {
        this.lanes = lanes;
        this.orderingKey = orderingKey;
        this.delivery = delivery;
        this.listener = listener;
        this.stopping = stopping;
        this.executors = new ExecutorService[lanes > 1 ? lanes : 0];
        for (int i = 0; i < executors.length; i++) {
            String name = "cdc-lane-" + pipelineName + "-" + i;
            executors[i] = Executors.newSingleThreadExecutor(r -> new Thread(r, name));
        }
    }

    /**
     * Processes the events; the result at index i belongs to event i. After a HALTED or ABANDONED result
     * a lane leaves its remaining events ABANDONED.
     */
    @Override
    public List<EventResult> process(List<ChangeEvent> events) throws InterruptedException {
        delivery.prepareBatch(events);
        try {
            return processPrepared(events);
        } finally {
            delivery.batchFinished();
        }
    }

    private List<EventResult> processPrepared(List<ChangeEvent> events) throws InterruptedException {
        EventResult[] results = new EventResult[events.size()];
        // Each event's key once: lanes and groups are both made by it.
        String[] keys = executors.length > 0 || delivery.takesGroups() ? new String[events.size()] : null;
        if (keys != null) {
            for (int i = 0; i < keys.length; i++) {
                keys[i] = orderingKey.of(events.get(i));
            }
        }
        if (executors.length == 0) {
            runLane(events, keys, indexes(events.size()), results, new AtomicBoolean());
            return Arrays.asList(results);
        }
        List<List<Integer>> byLane = new ArrayList<>();
        for (int i = 0; i < lanes; i++) {
            byLane.add(new ArrayList<>());
        }
        for (int i = 0; i < events.size(); i++) {
            byLane.get(OrderingKey.lane(keys[i], lanes)).add(i);
        }
        AtomicBoolean halted = new AtomicBoolean();
        List<Future<?>> running = new ArrayList<>();
        for (int lane = 0; lane < lanes; lane++) {
            List<Integer> mine = byLane.get(lane);
            if (!mine.isEmpty()) {
                Callable<Void> work = () -> {
                    runLane(events, keys, mine, results, halted);
                    return null;
                };
                running.add(executors[lane].submit(work));
            }
        }
        for (Future<?> future : running) {
            try {
                future.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("processing lane failed unexpectedly", e.getCause());
            }
        }
        return Arrays.asList(results);
    }

    private void runLane(List<ChangeEvent> events, String[] keys, List<Integer> indexes, EventResult[] results,
                         AtomicBoolean halted) {
        if (delivery.takesGroups()) {
            runGroups(events, keys, indexes, results, halted);
            return;
        }
        boolean stop = false;
        for (int index : indexes) {
            if (stop || halted.get() || stopping.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                results[index] = EventResult.ABANDONED;
                stop = true;
                continue;
            }
            ChangeEvent event = events.get(index);
            long began = System.nanoTime();
            EventResult result = delivery.deliver(event);
            results[index] = result;
            if (result.status() == EventResult.Status.PROCESSED || result.status() == EventResult.Status.DUPLICATE) {
                listener.processed(event, began, System.nanoTime());
            } else if (!result.finished()) {
                if (result.status() == EventResult.Status.HALTED) {
                    halted.set(true);
                }
                stop = true;
            }
        }
    }

    /**
     * A lane of a processor that takes groups: its events by ordering key, each key's in commit order, one group per
     * key, the groups in the order of their first events. Keys are independent, so a later key's group may run
     * before an earlier event of another key; the caller records only the batch's contiguous finished prefix. A
     * processor that takes groups together gets them in transactions of up to
     * {@value TransactionalGroupProcessor#MAX_EVENTS_PER_TRANSACTION} events, a group never split.
     */
    private void runGroups(List<ChangeEvent> events, String[] keys, List<Integer> indexes, EventResult[] results,
                           AtomicBoolean halted) {
        Map<String, List<Integer>> byKey = new LinkedHashMap<>();
        for (int index : indexes) {
            byKey.computeIfAbsent(keys[index], key -> new ArrayList<>()).add(index);
        }
        int perTransaction = delivery.takesGroupsTogether() ? TransactionalGroupProcessor.MAX_EVENTS_PER_TRANSACTION : 1;
        List<List<Integer>> chunk = new ArrayList<>();
        int chunkEvents = 0;
        boolean stop = false;
        for (List<Integer> group : byKey.values()) {
            if (!chunk.isEmpty() && chunkEvents + group.size() > perTransaction) {
                stop = runChunk(events, chunk, results, halted, stop);
                chunk.clear();
                chunkEvents = 0;
            }
            chunk.add(group);
            chunkEvents += group.size();
        }
        if (!chunk.isEmpty()) {
            runChunk(events, chunk, results, halted, stop);
        }
    }

    /**
     * Delivers the groups (their events' indexes) in one call, or abandons them when the lane already stopped.
     *
     * @return whether the lane stops: a group did not finish, or it had stopped already
     */
    private boolean runChunk(List<ChangeEvent> events, List<List<Integer>> groups, EventResult[] results,
                             AtomicBoolean halted, boolean stopped) {
        if (stopped || halted.get() || stopping.getAsBoolean() || Thread.currentThread().isInterrupted()) {
            groups.forEach(group -> group.forEach(index -> results[index] = EventResult.ABANDONED));
            return true;
        }
        List<List<ChangeEvent>> groupEvents = new ArrayList<>(groups.size());
        int latest = -1;
        for (List<Integer> group : groups) {
            List<ChangeEvent> of = new ArrayList<>(group.size());
            for (int index : group) {
                of.add(events.get(index));
                latest = Math.max(latest, index);
            }
            groupEvents.add(of);
        }
        long began = System.nanoTime();
        List<List<EventResult>> groupResults = groups.size() == 1 ? List.of(delivery.deliverGroup(groupEvents.get(0)))
                : delivery.deliverGroups(groupEvents, events.get(latest));
        long ended = System.nanoTime();
        boolean stop = false;
        for (int g = 0; g < groups.size(); g++) {
            for (int i = 0; i < groups.get(g).size(); i++) {
                EventResult result = groupResults.get(g).get(i);
                results[groups.get(g).get(i)] = result;
                if (result.status() == EventResult.Status.PROCESSED || result.status() == EventResult.Status.DUPLICATE) {
                    listener.processed(groupEvents.get(g).get(i), began, ended);
                } else if (!result.finished()) {
                    if (result.status() == EventResult.Status.HALTED) {
                        halted.set(true);
                    }
                    stop = true;
                }
            }
        }
        return stop;
    }

    private static List<Integer> indexes(int size) {
        List<Integer> all = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            all.add(i);
        }
        return all;
    }

    /** Interrupts lanes waiting in a retry backoff and stops their threads. */
    @Override
    public void close() {
        for (ExecutorService executor : executors) {
            executor.shutdownNow();
        }
        for (ExecutorService executor : executors) {
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
