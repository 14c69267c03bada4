package io.cdcrunner.pipeline;

import java.sql.SQLException;
import java.sql.Timestamp;

import io.cdcrunner.core.RecordedPosition;

/**
 * When the ledger may be pruned by the source's recorded position. A position names a place in the binlog of the
 * server the current run reads; entries of earlier runs may hold positions in another server's binlog (a failover),
 * so pruning by position waits until the run has caught up: until then the run may deliver again events an earlier
 * run processed, and their entries, whatever their positions, must stay. Once caught up, no event of an earlier run
 * comes again: the entries recorded before the run was first seen go, and pruning by position resumes.
 *
 * <p>Not thread-safe: called from the housekeeping thread only.
 */
final class LedgerPruning {

    /** The ledger operations pruning uses. */
    interface Ledger {
        /** The ledger database's clock, the clock entries are recorded by. */
        Timestamp now() throws SQLException;

        int pruneBefore(String file, long position) throws SQLException;

        int pruneRecordedBefore(Timestamp cut) throws SQLException;
    }

    private final Ledger ledger;
    private long run;
    private Timestamp cut;

    LedgerPruning(Ledger ledger) {
        this.ledger = ledger;
    }

    /** @return entries deleted */
    int prune(RecordedPosition position) throws SQLException {
        // Run 0 is a source that reads one server only: its positions always compare.
        if (position.run() != 0 && position.run() != run) {
            // The cut may fall after the run's first events, whose entries need no cut (they hold this server's
            // positions). Taking it on a tick of its own, and deleting a tick later at the earliest, gives the run a
            // tick to record those events as passed; an entry of an event still unrecorded then (a lane stuck
            // retrying the whole time, or offsets flushed less often than ticks) would go too soon.
            cut = ledger.now();
            run = position.run();
            return 0;
        }
        if (!position.caughtUp()) {
            return 0;
        }
        int pruned = 0;
        if (cut != null) {
            pruned += ledger.pruneRecordedBefore(cut);
            cut = null;
        }
        return pruned + ledger.pruneBefore(position.file(), position.position());
    }
}
