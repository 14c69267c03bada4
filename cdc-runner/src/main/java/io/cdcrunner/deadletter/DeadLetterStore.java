package io.cdcrunner.deadletter;

import java.util.List;
import java.util.Optional;

/**
 * A durable store of {@link DeadLetter}s: the events the processor could not process after the last
 * attempt, kept so the stream can move on and an operator can inspect and replay them
 * ({@code cdc-runner dlq}).
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Implementations have a public no-argument constructor; {@link #open} is called once, before any
 *       other method ({@link DeadLetterStores#open} does both, from {@code deadletter.store}).</li>
 *   <li>Every method is thread-safe. Several processes (the daemon and {@code cdc-runner dlq}) may use the
 *       same store at once: each call sees what the others' completed calls wrote.</li>
 *   <li>{@link #add} is durable when it returns: a crash right after it does not lose the entry. If it
 *       throws, the entry may not be stored and the caller must not pass the event by.</li>
 *   <li>{@link #add} of an id already stored replaces that entry (event, error, attempts, last failure
 *       time) but keeps the earlier {@link DeadLetter#firstFailedAt()}, so it still says when the event
 *       first failed. The same event thus never has two entries.</li>
 *   <li>{@link #list} returns entries in the order they first failed (then by id), which for the events of
 *       one row is their commit order: replay in that order.</li>
 *   <li>A store shared by several pipelines (a database table) shows each pipeline only its own entries.</li>
 *   <li>Failures to read or write throw {@link DeadLetterStoreException}, whose message says what to fix.</li>
 * </ul>
 */
public interface DeadLetterStore extends AutoCloseable {

    /**
     * Prepares the store (creates its file or table if missing and reads what is there).
     *
     * @throws DeadLetterStoreException if it cannot be used; the message names the setting to fix
     */
    void open(DeadLetterStoreContext context);

    /** Stores {@code letter} durably, replacing an entry with the same id. */
    void add(DeadLetter letter);

    /** Every entry, in the order they first failed. */
    List<DeadLetter> list();

    /** The entry with {@code id}, if stored. */
    Optional<DeadLetter> get(String id);

    /**
     * Removes the entry with {@code id}, durably.
     *
     * @return false if there was none
     */
    boolean remove(String id);

    /**
     * Removes every entry, durably.
     *
     * @return how many were removed
     */
    int purge();

    /** How many entries are stored. */
    int size();

    /** Releases the store's resources. Idempotent; no other method may be called afterwards. */
    @Override
    void close();
}
