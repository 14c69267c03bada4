package io.cdcrunner.deadletter;

import java.time.Instant;
import java.util.Objects;

import io.cdcrunner.config.ConfigException;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.delivery.DeadLetterSink;
import io.cdcrunner.processor.ChangeEvent;

/**
 * The lanes' {@link DeadLetterSink} backed by a {@link DeadLetterStore}: each event given up on becomes a
 * {@link DeadLetter} of this pipeline, stored durably before {@link #deadLetter} returns. The same event
 * given up on again (say after a restart) replaces its entry. Closing the sink closes the store.
 */
public final class DeadLetterStoreSink implements DeadLetterSink, AutoCloseable {

    private final DeadLetterStore store;
    private final String pipelineName;
    private volatile java.util.function.Function<ChangeEvent, String> origins = event -> null;

    public DeadLetterStoreSink(DeadLetterStore store, String pipelineName) {
        this.store = Objects.requireNonNull(store, "store");
        this.pipelineName = Objects.requireNonNull(pipelineName, "pipelineName");
    }

    /**
     * A sink on the store {@code deadletter.store} names, opened.
     *
     * @throws ConfigException          if {@code deadletter.store} names no usable class
     * @throws DeadLetterStoreException if the store cannot be opened
     */
    public static DeadLetterStoreSink open(RunnerConfig config) throws ConfigException {
        return new DeadLetterStoreSink(DeadLetterStores.open(config), config.pipelineName());
    }

    /** @throws DeadLetterStoreException if the dead letter could not be stored */
    @Override
    public void deadLetter(ChangeEvent event, Throwable error, int attempts, Instant firstFailure, Instant lastFailure) {
        store.add(DeadLetter.of(pipelineName, event, error, attempts, firstFailure, lastFailure, origins.apply(event)));
    }

    /** Stores a change record the daemon could not map; see {@link DeadLetter#unmapped}. */
    public void unmapped(ChangeEvent described, String sourceRecord, Throwable error, Instant failedAt) {
        store.add(DeadLetter.unmapped(pipelineName, described, sourceRecord, error, failedAt,
                described == null ? null : origins.apply(described)));
    }

    /** Where the source held each event, for its dead letter (see {@link DeadLetter#origin()}). */
    public void recordOrigins(java.util.function.Function<ChangeEvent, String> origins) {
        this.origins = Objects.requireNonNull(origins, "origins");
    }

    /** The store behind this sink. */
    public DeadLetterStore store() {
        return store;
    }

    @Override
    public void close() {
        store.close();
    }
}
