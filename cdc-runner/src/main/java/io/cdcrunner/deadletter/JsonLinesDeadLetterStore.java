package io.cdcrunner.deadletter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.state.StateDirectory;

/**
 * The default {@link DeadLetterStore}: the file {@value #FILE_NAME} in {@code state.dir}, one dead letter
 * per line as JSON (see {@link ChangeEventCodec} for the event's form).
 *
 * <p>{@link #add} appends a line and forces it to disk. {@link #remove}, {@link #purge} and an {@code add}
 * that replaces an entry rewrite the whole file atomically (a temporary file, forced, renamed over the old
 * one), so a crash leaves either the old or the new content. Every call holds an exclusive lock on
 * {@value #FILE_NAME}{@code .lock} and first picks up what other processes wrote, so the daemon and
 * {@code cdc-runner dlq} can use the file at once.
 *
 * <p>A line that cannot be read stops the store with its line number: fix or delete that line. The one
 * exception is a last line without its line break: that is an append a crash interrupted, whose
 * {@code add} never returned, so it is cut off with a warning.
 */
public final class JsonLinesDeadLetterStore implements DeadLetterStore {

    /** The file's name inside {@code state.dir}. */
    public static final String FILE_NAME = "dead-letters.jsonl";

    private static final Logger log = LoggerFactory.getLogger(JsonLinesDeadLetterStore.class);
    private static final Comparator<DeadLetter> FAILURE_ORDER =
            Comparator.comparing(DeadLetter::firstFailedAt).thenComparing(DeadLetter::id);

    private final Map<String, DeadLetter> entries = new HashMap<>();
    private volatile JsonLinesFile file;
    /** The file as last read or written by this store; null forces a full read. */
    private JsonLinesFile.Version known;
    private int knownLines;
    private boolean closed;

    /** Use {@link #open} (or {@link DeadLetterStores}) before anything else. */
    public JsonLinesDeadLetterStore() {
    }

    /** A store on {@value #FILE_NAME} in {@code directory}, opened. */
    public static JsonLinesDeadLetterStore openIn(Path directory) {
        JsonLinesDeadLetterStore store = new JsonLinesDeadLetterStore();
        store.openDirectory(directory);
        return store;
    }

    @Override
    public void open(DeadLetterStoreContext context) {
        openDirectory(context.stateDir());
    }

    private synchronized void openDirectory(Path directory) {
        if (file != null) {
            throw new IllegalStateException("already open on " + file);
        }
        try {
            new StateDirectory(directory).create();
        } catch (java.io.UncheckedIOException e) {
            throw new DeadLetterStoreException(e.getMessage(), e);
        }
        file = new JsonLinesFile(directory.resolve(FILE_NAME));
        locked("read", () -> null);
    }

    /** The file the dead letters are in. */
    public Path file() {
        return file.path();
    }

    @Override
    public synchronized void add(DeadLetter letter) {
        locked("write", () -> {
            DeadLetter existing = entries.get(letter.id());
            if (existing == null) {
                file.append(DeadLetterJson.toLine(letter));
                entries.put(letter.id(), letter);
                knownLines++;
            } else {
                entries.put(letter.id(), letter.firstFailedNoLaterThan(existing.firstFailedAt()));
                rewrite();
            }
            known = file.version();
            return null;
        });
    }

    @Override
    public synchronized List<DeadLetter> list() {
        return locked("read", () -> {
            List<DeadLetter> all = new ArrayList<>(entries.values());
            all.sort(FAILURE_ORDER);
            return List.copyOf(all);
        });
    }

    @Override
    public synchronized Optional<DeadLetter> get(String id) {
        return locked("read", () -> Optional.ofNullable(entries.get(id)));
    }

    @Override
    public synchronized boolean remove(String id) {
        return locked("write", () -> {
            if (!entries.containsKey(id)) {
                return false;
            }
            DeadLetter removed = entries.remove(id);
            try {
                rewrite();
            } catch (IOException e) {
                entries.put(id, removed);
                throw e;
            }
            return true;
        });
    }

    @Override
    public synchronized int purge() {
        return locked("write", () -> {
            int count = entries.size();
            if (count > 0 || knownLines > 0) {
                Map<String, DeadLetter> before = new HashMap<>(entries);
                entries.clear();
                try {
                    rewrite();
                } catch (IOException e) {
                    entries.putAll(before);
                    throw e;
                }
            }
            return count;
        });
    }

    @Override
    public synchronized int size() {
        return locked("read", entries::size);
    }

    @Override
    public synchronized void close() {
        closed = true;
        entries.clear();
    }

    private void rewrite() throws IOException {
        List<String> lines = new ArrayList<>(entries.size());
        entries.values().stream().sorted(FAILURE_ORDER).forEach(letter -> lines.add(DeadLetterJson.toLine(letter)));
        file.rewrite(lines);
        knownLines = lines.size();
        known = file.version();
    }

    /** Runs {@code action} under the file lock, after reading what changed since this store last looked. */
    private <T> T locked(String what, JsonLinesFile.IoAction<T> action) {
        if (closed) {
            throw new IllegalStateException("the dead-letter store on " + file + " is closed");
        }
        if (file == null) {
            throw new IllegalStateException("open the dead-letter store first");
        }
        try {
            return file.locked(() -> {
                refresh();
                return action.run();
            });
        } catch (IOException e) {
            // The file may differ from what we hold now: read it whole next time.
            known = null;
            throw new DeadLetterStoreException("cannot " + what + " the dead-letter file " + file + ": " + e
                    + "; check that state.dir is writable by the daemon's user and the disk is not full", e);
        }
    }

    private void refresh() throws IOException {
        JsonLinesFile.Version now = file.version();
        if (now.equals(known)) {
            return;
        }
        long from = now.grewFrom(known) ? known.size() : 0;
        if (from == 0) {
            entries.clear();
            knownLines = 0;
        }
        known = null;
        readLines(file.readFrom(from), from);
        known = file.version();
    }

    private void readLines(byte[] bytes, long offset) throws IOException {
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            knownLines++;
            String line = new String(bytes, start, i - start, StandardCharsets.UTF_8);
            start = i + 1;
            if (line.isBlank()) {
                continue;
            }
            DeadLetter letter;
            try {
                letter = DeadLetterJson.fromLine(line);
            } catch (RuntimeException e) {
                int lineNumber = knownLines;
                entries.clear();
                knownLines = 0;
                throw new DeadLetterStoreException(file + " line " + lineNumber + " is not a valid dead letter ("
                        + e.getMessage() + "): repair or delete that line; no other line was changed", e);
            }
            entries.put(letter.id(), letter);
        }
        if (start < bytes.length) {
            log.warn("{}: cutting off an incomplete last line ({} bytes after line {}): a crash interrupted the "
                    + "append, whose add never returned, so no stored dead letter is lost", file,
                    bytes.length - start, knownLines);
            file.truncate(offset + start);
        }
    }
}
