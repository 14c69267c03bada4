package io.cdcrunner.binlog.backfill;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One backfill run as the backfill record keeps it: what was asked, how far it got and how it ended. Immutable; the
 * {@code with...} methods return changed copies.
 *
 * @param id          the run's id, which every row it delivers carries ({@code SourcePosition.backfill()})
 * @param tables      {@code database.table} of each table, in the order they are read
 * @param where       the condition rows must meet, or {@code null} for every row
 * @param reason      why it runs: {@code request} ({@code cdc-runner snapshot}) or {@code new tables}
 * @param state       where it stands
 * @param requestedAt when it was asked for (ISO-8601, UTC)
 * @param startedAt   when the engine was first asked to read it, or {@code null}
 * @param finishedAt  when it ended, or {@code null}
 * @param recorded    whether a recorded offset carried it: the engine resumes it from there after a restart
 * @param tableStates per table: rows delivered, chunks read, the table's estimated size
 * @param problems    what went wrong, for the user: a table the engine skipped, say
 */
public record BackfillRun(String id, List<String> tables, String where, String reason, State state,
                          String requestedAt, String startedAt, String finishedAt, boolean recorded,
                          Map<String, TableProgress> tableStates, List<String> problems) {

    /** Where a run stands. */
    public enum State {
        /** Waiting for the run before it, or for the engine. */
        QUEUED,
        /** The engine reads it. */
        RUNNING,
        /** A stop was asked for; the engine has not confirmed it yet. */
        STOPPING,
        /** Every row of every table was delivered and processed. */
        COMPLETED,
        /** Stopped on request before the end. */
        STOPPED,
        /** Ended without reading everything: {@link #problems()} says why. */
        FAILED;

        public boolean isFinal() {
            return this == COMPLETED || this == STOPPED || this == FAILED;
        }
    }

    /**
     * One table's progress.
     *
     * @param rows          rows of the run processed (counted again when a restart reads a chunk again)
     * @param chunks        chunks the engine read
     * @param estimatedRows the table's size as the server estimated it when the run started ({@code -1} unknown)
     * @param scanned       whether the engine read its last chunk
     */
    public record TableProgress(long rows, long chunks, long estimatedRows, boolean scanned) {
        static final TableProgress NONE = new TableProgress(0, 0, -1, false);
    }

    public BackfillRun {
        Objects.requireNonNull(id, "id");
        tables = List.copyOf(tables);
        Objects.requireNonNull(state, "state");
        tableStates = tableStates == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tableStates));
        problems = problems == null ? List.of() : List.copyOf(problems);
    }

    static BackfillRun queued(String id, List<String> tables, String where, String reason, Instant now) {
        return new BackfillRun(id, tables, where, reason, State.QUEUED, now.toString(), null, null, false, Map.of(),
                List.of());
    }

    BackfillRun withState(State newState, Instant now) {
        String started = newState == State.RUNNING && startedAt == null ? now.toString() : startedAt;
        String finished = newState.isFinal() ? now.toString() : finishedAt;
        return new BackfillRun(id, tables, where, reason, newState, requestedAt, started, finished, recorded,
                tableStates, problems);
    }

    BackfillRun withRecorded() {
        return new BackfillRun(id, tables, where, reason, state, requestedAt, startedAt, finishedAt, true,
                tableStates, problems);
    }

    BackfillRun withProgress(Map<String, TableProgress> progress) {
        return new BackfillRun(id, tables, where, reason, state, requestedAt, startedAt, finishedAt, recorded,
                progress, problems);
    }

    BackfillRun withProblem(String problem) {
        List<String> more = new java.util.ArrayList<>(problems);
        more.add(problem);
        return new BackfillRun(id, tables, where, reason, state, requestedAt, startedAt, finishedAt, recorded,
                tableStates, more);
    }

    TableProgress progress(String table) {
        return tableStates.getOrDefault(table, TableProgress.NONE);
    }

    long rowsDelivered() {
        return tableStates.values().stream().mapToLong(TableProgress::rows).sum();
    }
}
