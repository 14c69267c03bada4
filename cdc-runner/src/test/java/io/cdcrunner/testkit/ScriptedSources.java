package io.cdcrunner.testkit;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import io.cdcrunner.core.EventSource;

/**
 * A pipeline's sources, one per term: those the test {@link #queue}d first, in order, then plain
 * {@link ScriptedEventSource}s; {@link #made} lists every one the pipeline took.
 */
public final class ScriptedSources implements Supplier<EventSource> {

    private final Queue<ScriptedEventSource> queued = new ConcurrentLinkedQueue<>();
    private final List<ScriptedEventSource> made = new CopyOnWriteArrayList<>();

    /** The source of the next term not yet taken. */
    public ScriptedSources queue(ScriptedEventSource source) {
        queued.add(source);
        return this;
    }

    @Override
    public EventSource get() {
        ScriptedEventSource next = queued.poll();
        ScriptedEventSource source = next != null ? next : new ScriptedEventSource();
        made.add(source);
        return source;
    }

    public List<ScriptedEventSource> made() {
        return List.copyOf(made);
    }

    /** The source of the {@code term}th term (from 1). */
    public ScriptedEventSource term(int term) {
        return made.get(term - 1);
    }
}
