package io.cdcrunner.processor;

/**
 * User code that runs because the database committed a row change.
 *
 * <h2>Lifecycle</h2>
 * The daemon creates one instance per pipeline through the public no-argument constructor of the class
 * named by {@code processor.class}, then calls {@link #open} once, before the first event. {@link #process}
 * is then called for every committed change that passes the pipeline's filters, and {@link #close} once
 * when the daemon stops, after the last {@code process} call has returned (also when {@code open} failed).
 *
 * <h2>Threads and order</h2>
 * {@code process} is called from the pipeline's processing thread, never concurrently for events that
 * share an ordering key; events of the same row arrive in commit order. Do not keep the thread beyond the
 * work of one event: the offset of the binlog advances only past events whose {@code process} returned.
 *
 * <h2>Errors and redelivery</h2>
 * Returning normally means the event's effect is complete and durable; the daemon may then record the
 * binlog position past it. Throwing means the event was not processed: the daemon does not advance past
 * it and stops the pipeline with the error, so nothing is skipped. Throw {@link NonRetryableException}
 * to say that trying again cannot succeed.
 *
 * <p>Delivery is at least once: after a crash or a kill the daemon resumes from the last recorded
 * position, so events processed since then are delivered again. Make effects idempotent (upserts keyed by
 * the row, or a ledger keyed by {@link ChangeEvent#eventId()}).
 */
public interface EventProcessor extends AutoCloseable {

    /**
     * Called once before any event, with the processor's configuration and JDBC access. Validate the
     * configuration here: an exception stops the daemon before it reads the binlog.
     */
    default void open(ProcessorContext context) throws Exception {
    }

    /** Processes one committed change. See the class documentation for the contract. */
    void process(ChangeEvent event) throws Exception;

    /** Releases resources. Called once, after the last {@link #process} call has returned. */
    @Override
    default void close() throws Exception {
    }
}
