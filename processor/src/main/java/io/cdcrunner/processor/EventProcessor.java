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
 * {@code process} is called from the pipeline's processing lanes ({@code processor.threads}). Events with
 * the same ordering key (table + primary key, or the value of {@code processor.ordering.column}) are never
 * processed concurrently and arrive in commit order; events with different keys may be processed at the
 * same time on different threads, so an implementation used with more than one lane must be thread-safe.
 *
 * <h2>Table events</h2>
 * Besides row changes, {@code process} receives {@link Operation#TRUNCATE} and {@link Operation#DROP} of a captured
 * table (unless {@code source.operations} leaves them out): events without key or rows, each processed alone, after
 * every event before it and before any after it. A processor that handles only rows returns at once for them
 * ({@code if (!event.operation().isRowChange()) return;}).
 *
 * <h2>Errors and redelivery</h2>
 * Returning normally means the event's effect is complete and durable; the daemon may then record the
 * binlog position past it. Throwing means the event was not processed: it is retried with backoff up to
 * {@code processor.retry.max.attempts}, then stored as a dead letter (the stream moves on) or, with
 * {@code processor.on.failure=halt}, the pipeline stops before it. Throw {@link NonRetryableException} to
 * say that trying again cannot succeed. A lost database connection is retried until it is back.
 *
 * <p>Delivery is at least once: after a crash or a kill the daemon resumes from the last recorded
 * position, so events processed since then are delivered again, with the same {@link ChangeEvent#eventId()}.
 * Make effects idempotent, or implement {@link TransactionalProcessor} to have the daemon skip
 * redelivered events through a ledger committed with the processor's writes.
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
