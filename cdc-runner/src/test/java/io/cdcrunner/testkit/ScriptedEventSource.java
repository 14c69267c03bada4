package io.cdcrunner.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.cdcrunner.core.EventSource;
import io.cdcrunner.core.PipelineStartException;
import io.cdcrunner.core.ProcessingHaltedException;
import io.cdcrunner.core.RecordedPosition;
import io.cdcrunner.core.SourceBatch;
import io.cdcrunner.core.SourceConsumer;
import io.cdcrunner.core.SourceItem;
import io.cdcrunner.core.SourceStatus;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.state.StateStore;

/**
 * An {@link EventSource} a test scripts: what {@link #prepare} does (returns a flavor, blocks until released, throws),
 * which batches reach the pipeline and when (on the source's own thread, as a real source's), and its failure or
 * end. It records what the pipeline reported finished (what a real source would record a position for) and the calls
 * of {@link #close} and {@link #shutdownNow}. Like a real source, a close ends it: after the batch in progress, it
 * reports {@link SourceConsumer#ended} once.
 */
public final class ScriptedEventSource implements EventSource {

    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "scripted-source");
        t.setDaemon(true);
        return t;
    });
    private final CountDownLatch prepareEntered = new CountDownLatch(1);
    private final CountDownLatch prepareReleased = new CountDownLatch(1);
    private final CountDownLatch closeCalled = new CountDownLatch(1);
    private final CountDownLatch started = new CountDownLatch(1);
    private final AtomicBoolean endReported = new AtomicBoolean();
    private final AtomicInteger closeCalls = new AtomicInteger();
    private final AtomicInteger shutdownNowCalls = new AtomicInteger();
    private final List<ChangeEvent> finished = new CopyOnWriteArrayList<>();
    private volatile ServerFlavor flavor = ServerFlavor.MARIADB;
    private volatile boolean prepareBlocks;
    private volatile RuntimeException prepareFailure;
    private volatile SourceStatus status = SourceStatus.UNKNOWN;
    private volatile SourceConsumer consumer;
    private volatile boolean endsOnClose = true;

    /** The flavor {@link #prepare} returns (MariaDB unless told). */
    public ScriptedEventSource flavor(ServerFlavor serverFlavor) {
        this.flavor = serverFlavor;
        return this;
    }

    /** {@link #prepare} waits, as for an unreachable server, until {@link #releasePrepare} or {@link #close}. */
    public ScriptedEventSource blockPrepare() {
        this.prepareBlocks = true;
        return this;
    }

    /** {@link #prepare} throws a {@link PipelineStartException} with this message. */
    public ScriptedEventSource failPrepare(String message) {
        this.prepareFailure = new PipelineStartException(message);
        return this;
    }

    /** What {@link #status} says from now on. */
    /** A source whose engine does not stop when closed: its end (or failure) comes later, when the test says. */
    public ScriptedEventSource ignoreClose() {
        endsOnClose = false;
        return this;
    }

    public ScriptedEventSource status(SourceStatus sourceStatus) {
        this.status = sourceStatus;
        return this;
    }

    public void releasePrepare() {
        prepareReleased.countDown();
    }

    /** Whether {@link #prepare} was entered within a second (it may still be blocking). */
    public boolean awaitPrepareEntered() throws InterruptedException {
        return prepareEntered.await(1, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Override
    public ServerFlavor prepare(java.util.function.Supplier<StateStore> state) {
        prepareEntered.countDown();
        if (prepareBlocks) {
            while (prepareReleased.getCount() > 0) {
                if (closeCalled.getCount() == 0) {
                    throw new PipelineStartException("source closed while waiting for the server");
                }
                try {
                    prepareReleased.await(5, java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new PipelineStartException("interrupted while waiting for the server", e);
                }
            }
        }
        if (prepareFailure != null) {
            throw prepareFailure;
        }
        return flavor;
    }

    @Override
    public void start(SourceConsumer sourceConsumer) {
        this.consumer = sourceConsumer;
        started.countDown();
    }

    public boolean isStarted() {
        return started.getCount() == 0;
    }

    /** Hands one batch of rows read while streaming; completes when the pipeline's {@code accept} returned. */
    public CompletableFuture<Void> stream(ChangeEvent... events) {
        return deliver(items(SourceItem.Phase.STREAM, events));
    }

    /** Hands one batch of rows read by a snapshot. */
    public CompletableFuture<Void> snapshot(ChangeEvent... events) {
        return deliver(items(SourceItem.Phase.SNAPSHOT, events));
    }

    private static List<SourceItem> items(SourceItem.Phase phase, ChangeEvent... events) {
        List<SourceItem> items = new ArrayList<>();
        for (ChangeEvent event : events) {
            items.add(SourceItem.row(event, phase));
        }
        return items;
    }

    /**
     * Hands one batch to the pipeline on the source's thread, after the batches before it; completes when
     * {@code accept} returned (exceptionally with what it threw). Nothing is handed once the source was closed; a
     * halt ({@link ProcessingHaltedException}) ends the source with it.
     */
    public CompletableFuture<Void> deliver(List<SourceItem> items) {
        SourceConsumer target = requireStarted();
        return CompletableFuture.runAsync(() -> {
            if (closeCalled.getCount() == 0) {
                throw new IllegalStateException("the source was closed: it reads no more batches");
            }
            try {
                target.accept(new Batch(List.copyOf(items)));
            } catch (ProcessingHaltedException e) {
                // As the binlog engine does: a halt ends the source, with the halt as its failure.
                endOnce(target, e);
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }, thread);
    }

    /** Reports, on the source's thread, that it cannot go on ({@link SourceConsumer#failed}), then ends with it. */
    public void fail(Throwable reason) {
        SourceConsumer target = requireStarted();
        onSourceThread(() -> {
            target.failed(reason);
            endOnce(target, reason);
        });
    }

    /**
     * Reports, on the source's thread, that it cannot go on ({@link SourceConsumer#failed}) and nothing more: its end
     * comes when the pipeline closes it (a source whose engine is still stopping).
     */
    public void failWithoutEnding(Throwable reason) {
        SourceConsumer target = requireStarted();
        onSourceThread(() -> target.failed(reason));
    }

    /** Reports, on the source's thread, that it ended for good (cleanly with null). */
    public void end(Throwable failure) {
        SourceConsumer target = requireStarted();
        onSourceThread(() -> endOnce(target, failure));
    }

    /** On the source's thread; on the caller's once that thread was shut down (a report that comes late). */
    private void onSourceThread(Runnable report) {
        try {
            thread.execute(report);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            report.run();
        }
    }

    private void endOnce(SourceConsumer target, Throwable failure) {
        if (endReported.compareAndSet(false, true)) {
            target.ended(failure);
        }
    }

    private SourceConsumer requireStarted() {
        SourceConsumer target = consumer;
        if (target == null) {
            throw new IllegalStateException("the pipeline has not started the source");
        }
        return target;
    }

    /** The events of every item the pipeline reported finished, in order: what a position would be recorded for. */
    public List<ChangeEvent> finished() {
        return List.copyOf(finished);
    }

    @Override
    public Optional<RecordedPosition> recordedPosition() {
        List<ChangeEvent> done = finished;
        if (done.isEmpty() || done.get(done.size() - 1).position() == null) {
            return Optional.empty();
        }
        ChangeEvent last = done.get(done.size() - 1);
        return Optional.of(new RecordedPosition(last.position().binlogFile(), last.position().binlogPosition()));
    }

    @Override
    public SourceStatus status() {
        return status;
    }

    @Override
    public void close() {
        closeCalls.incrementAndGet();
        closeCalled.countDown();
        SourceConsumer target = consumer;
        if (target != null && endsOnClose) {
            onSourceThread(() -> endOnce(target, null));
        }
    }

    @Override
    public void shutdownNow() {
        shutdownNowCalls.incrementAndGet();
        closeCalled.countDown();
        thread.shutdownNow();
    }

    public int closeCalls() {
        return closeCalls.get();
    }

    public int shutdownNowCalls() {
        return shutdownNowCalls.get();
    }

    /** Whether the source's thread ended within a second (it does once {@link #shutdownNow} was called). */
    public boolean threadEnded() throws InterruptedException {
        return thread.awaitTermination(1, java.util.concurrent.TimeUnit.SECONDS);
    }

    private final class Batch implements SourceBatch {

        private final List<SourceItem> items;
        private int finishedUpTo;

        Batch(List<SourceItem> items) {
            this.items = items;
        }

        @Override
        public List<SourceItem> items() {
            return items;
        }

        @Override
        public synchronized void finished(int upTo) {
            for (int i = finishedUpTo; i < upTo; i++) {
                finished.addAll(items.get(i).events());
            }
            finishedUpTo = Math.max(finishedUpTo, upTo);
        }
    }
}
