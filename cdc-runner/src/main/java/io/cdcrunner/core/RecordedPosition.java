package io.cdcrunner.core;

/**
 * The binlog position a source has recorded as finished up to: every event before it was processed, so ledger
 * entries of those events may go ({@link io.cdcrunner.delivery.Ledger#pruneBefore}).
 *
 * @param file     the recorded binlog file
 * @param position the recorded position in it
 * @param run      which start of the source this is: it changes each time the source starts reading, possibly on
 *                 another server
 * @param caughtUp the recorded position has passed where the server's binlog ended when the run began: no event read
 *                 before the run is delivered again, so entries recorded before it are no longer needed, and
 *                 positions compare within one server's binlog
 */
public record RecordedPosition(String file, long position, long run, boolean caughtUp) {

    /** A position of a source that reads one server, always caught up. */
    public RecordedPosition(String file, long position) {
        this(file, position, 0, true);
    }
}
