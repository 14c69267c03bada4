package io.cdcrunner.core;

/**
 * The binlog position a source has recorded as finished up to: every event before it was processed, so ledger
 * entries of those events may go ({@link io.cdcrunner.delivery.Ledger#pruneBefore}).
 *
 * @param file     binlog file of the server the source reads in this run
 * @param position position inside {@code file}
 * @param run      changes each time the source starts reading (a new engine start, possibly on another server):
 *                 positions of different runs may name different servers' binlogs; 0 for a source that reads one
 *                 server only, whose positions always compare
 * @param caughtUp whether {@code file:position} has passed where this run's server's binlog ended when the run began:
 *                 until then the source may deliver again events an earlier run processed, whose ledger entries hold
 *                 positions in another binlog
 */
public record RecordedPosition(String file, long position, long run, boolean caughtUp) {

    /** A position of a source that reads one server only (run 0, always caught up). */
    public RecordedPosition(String file, long position) {
        this(file, position, 0, true);
    }
}
