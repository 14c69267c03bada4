package io.cdcrunner.binlog;

import java.util.Map;

import io.cdcrunner.debezium.IncompleteRowImage;
import io.cdcrunner.errors.Causes;
import io.cdcrunner.state.StateStore;

/** Turns engine failures a user can act on into messages that say what to do. */
final class FailureTranslator {

    private FailureTranslator() {
    }

    static Throwable translate(Throwable error, StateStore state) {
        if (isPurgedPosition(error)) {
            return new PipelineFailure(purgedMessage(state), error);
        }
        for (Throwable t : Causes.chain(error)) {
            if (t instanceof IncompleteRowImage incomplete) {
                return new PipelineFailure(incomplete.getMessage() + ". The pipeline stopped before it, after the"
                        + " recorded position " + recordedPosition(state) + "; starting again stops here again. To go"
                        + " on, re-read the tables: stop the daemon, move the " + state.location() + " aside and start"
                        + " with source.start=snapshot", error);
            }
        }
        if (mentions(error, "whose schema isn't known")) {
            return new PipelineFailure(unknownTableMessage(state), error);
        }
        return error;
    }

    /** What to say when the binlog changes a captured table the recorded schema history does not define. */
    static String unknownTableMessage(StateStore state) {
        return "the schema history in the " + state.location() + " does not define a captured table that the binlog "
                + "changes after the recorded position " + recordedPosition(state) + ": the history is incomplete "
                + "(a start was killed while it was written by a daemon without this guard, or the history was edited). Recover: "
                + state.howToRebuildSchemaHistory() + ", then start again: the daemon reads the table definitions "
                + "from the server and resumes at the recorded position (right as long as no captured table's "
                + "definition changed since that position; otherwise start over with source.start=snapshot in a "
                + "new state)";
    }

    /** What to say when the recorded position's binlog is gone from the server. */
    static String purgedMessage(StateStore state) {
        return "the recorded binlog position " + recordedPosition(state)
                    + " is no longer on the source server: its binlog was purged while the daemon was stopped or "
                    + "behind. Recover with source.recovery=snapshot (re-reads the included tables, delivered as "
                    + "inserts, then streams on), or " + state.howToReset() + " to start at the binlog end (changes in between are not "
                    + "processed). To prevent it, keep binlogs longer (binlog_expire_logs_seconds / "
                    + "expire_logs_days)";
    }

    /** The server no longer has the binlog the recorded position is in (MySQL and MariaDB wordings). */
    static boolean isPurgedPosition(Throwable error) {
        return mentions(error, "no longer available on the server") || mentions(error, "binlog is no longer available")
                || mentions(error, "Could not find first log file name in binary log index file")
                || mentions(error, "Could not find GTID state requested by slave in any binlog files")
                || mentions(error, "have been purged")
                // MySQL 8.0, error 1236 while streaming: "... because the source purged required binary logs ..."
                || mentions(error, "purged required binary logs");
    }

    private static boolean mentions(Throwable error, String text) {
        for (Throwable t : Causes.chain(error)) {
            if (t.getMessage() != null && t.getMessage().contains(text)) {
                return true;
            }
        }
        return false;
    }

    private static String recordedPosition(StateStore state) {
        try {
            Map<String, String> offsets = state.offsets();
            return offsets.isEmpty() ? "(none recorded)" : String.join(", ", offsets.values());
        } catch (RuntimeException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** A failure whose message is the whole story; the cause keeps the engine's detail. */
    static final class PipelineFailure extends RuntimeException {
        PipelineFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
