package io.cdcrunner.binlog;

import java.util.Map;

import io.cdcrunner.core.RecordedPosition;

/**
 * The engine's starts (runs) and where the server's binlog ended at each, so that the ledger is pruned by position
 * only once that is safe: until the recorded offsets pass that end, events read before the start (on this server or,
 * after a failover, on another one whose binlog positions mean nothing here) may still be delivered again, and their
 * ledger entries are needed.
 */
final class ReadRuns {

    private long run;
    private Map<String, String> startOffsets = Map.of();
    private BinlogPoint end;

    /** A run begins with these recorded offsets, on a server whose binlog ends at {@code end} (null: unknown). */
    synchronized void begin(Map<String, String> offsets, BinlogPoint end) {
        run++;
        startOffsets = Map.copyOf(offsets);
        this.end = end;
    }

    /** Which start of the engine this is, from 1 on. */
    synchronized long run() {
        return run;
    }

    /** The recorded position {@code point} of {@code offsets}, with this run and whether it caught up. */
    synchronized RecordedPosition position(Map<String, String> offsets, BinlogPoint point) {
        boolean caughtUp = end == null || (!offsets.equals(startOffsets) && point.compareTo(end) >= 0);
        return new RecordedPosition(point.file(), point.position(), run, caughtUp);
    }
}
