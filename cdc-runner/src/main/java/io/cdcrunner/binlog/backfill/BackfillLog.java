package io.cdcrunner.binlog.backfill;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cdcrunner.state.StateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The backfill record kept in the state store beside the offsets ({@link StateStore#backfillRecord()}): the runs not
 * finished, oldest first, the last few finished ones, and what {@code source.databases} and {@code source.tables}
 * were at the last start (a table they select now and did not select then is new: {@code source.new.tables}).
 *
 * @param capture what the configuration selected at the last start, or {@code null} before the first
 * @param runs    the runs, oldest first
 */
public record BackfillLog(Capture capture, List<BackfillRun> runs) {

    /** How many finished runs the record keeps, for {@code snapshot --status}. */
    static final int FINISHED_KEPT = 5;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** {@code source.databases} and {@code source.tables} as configured. */
    public record Capture(List<String> databases, List<String> tables) {
        public Capture {
            databases = List.copyOf(databases);
            tables = List.copyOf(tables);
        }
    }

    public BackfillLog {
        runs = List.copyOf(runs);
    }

    static BackfillLog read(StateStore state) {
        Optional<String> text = state.backfillRecord();
        if (text.isEmpty() || text.get().isBlank()) {
            return new BackfillLog(null, List.of());
        }
        try {
            return JSON.readValue(text.get(), BackfillLog.class);
        } catch (IOException e) {
            throw new UncheckedIOException("the backfill record in the " + state.location() + " is unreadable ("
                    + e.getMessage() + "); move it aside to forget the backfills it holds", e);
        }
    }

    void write(StateStore state) {
        try {
            state.writeBackfillRecord(JSON.writeValueAsString(this));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The run the engine reads or will read next: the oldest one not finished. */
    Optional<BackfillRun> active() {
        return runs.stream().filter(r -> !r.state().isFinal()).findFirst();
    }

    BackfillLog withCapture(Capture newCapture) {
        return new BackfillLog(newCapture, runs);
    }

    BackfillLog with(BackfillRun run) {
        List<BackfillRun> updated = new ArrayList<>();
        boolean replaced = false;
        for (BackfillRun r : runs) {
            if (r.id().equals(run.id())) {
                updated.add(run);
                replaced = true;
            } else {
                updated.add(r);
            }
        }
        if (!replaced) {
            updated.add(run);
        }
        long finished = updated.stream().filter(r -> r.state().isFinal()).count();
        List<BackfillRun> kept = new ArrayList<>();
        for (BackfillRun r : updated) {
            if (r.state().isFinal() && finished > FINISHED_KEPT) {
                finished--;
                continue;
            }
            kept.add(r);
        }
        return new BackfillLog(capture, kept);
    }
}
