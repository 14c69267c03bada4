package io.cdcrunner.testkit;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.EventProcessor;
import io.cdcrunner.processor.ProcessorContext;

/**
 * An in-memory processor a test scripts per pipeline name ({@link #script}): it records the events it processed, in
 * order, and can fail its {@code open}, refuse the event of one row id, or hold one until the test lets it go.
 */
public class ScriptedProcessor implements EventProcessor {

    private static final Map<String, Script> SCRIPTS = new ConcurrentHashMap<>();

    private Script script;

    /** The script of the pipeline named {@code pipeline} (a new one after {@link #forget}). */
    public static Script script(String pipeline) {
        return SCRIPTS.computeIfAbsent(pipeline, p -> new Script());
    }

    public static void forget(String pipeline) {
        SCRIPTS.remove(pipeline);
    }

    @Override
    public void open(ProcessorContext context) {
        script = script(context.pipelineName());
        script.opens.incrementAndGet();
        if (script.openFailure != null) {
            throw new IllegalStateException(script.openFailure);
        }
    }

    @Override
    public void process(ChangeEvent event) throws InterruptedException {
        if (event.row().has("id") && event.row().getLong("id") == script.holdId) {
            script.holding.countDown();
            if (!script.letGo.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never let row " + script.holdId + " go");
            }
        }
        if (event.row().has("id") && event.row().getLong("id") == script.refusedId) {
            throw new IllegalStateException("refusing row " + script.refusedId);
        }
        script.processed.add(event);
    }

    @Override
    public void close() {
        script.closes.incrementAndGet();
    }

    /** What one pipeline's processor does and did. */
    public static final class Script {

        private final List<ChangeEvent> processed = new CopyOnWriteArrayList<>();
        private final AtomicInteger opens = new AtomicInteger();
        private final AtomicInteger closes = new AtomicInteger();
        private final CountDownLatch holding = new CountDownLatch(1);
        private final CountDownLatch letGo = new CountDownLatch(1);
        private volatile String openFailure;
        private volatile long holdId = Long.MIN_VALUE;
        private volatile long refusedId = Long.MIN_VALUE;

        /** {@code open} throws an {@link IllegalStateException} with this message. */
        public Script failOpen(String message) {
            openFailure = message;
            return this;
        }

        /** The event of row {@code id} is held in {@code process} until {@link #letGo}. */
        public Script hold(long id) {
            holdId = id;
            return this;
        }

        /** {@code process} throws for the event of row {@code id}, every time. */
        public Script refuse(long id) {
            refusedId = id;
            return this;
        }

        public boolean awaitHolding() throws InterruptedException {
            return holding.await(2, TimeUnit.SECONDS);
        }

        public void letGo() {
            letGo.countDown();
        }

        public List<ChangeEvent> processed() {
            return List.copyOf(processed);
        }

        public int opens() {
            return opens.get();
        }

        public int closes() {
            return closes.get();
        }
    }
}
