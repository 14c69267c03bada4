package io.cdcrunner.pipeline;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;

import io.cdcrunner.core.RecordedPosition;

/**
 * When the ledger may be pruned by the source's recorded position. A position names a place in the binlog of the
 * server the current run reads; entries of earlier runs may hold positions in another server's binlog (a failover),
 * and some of their events may still come again: those processed after the last recorded offset, delivered again
 * by a server that may even receive them only later (a lagging replica). So pruning by position waits until the run
 * has caught up, and then touches only the entries recorded since the run was first seen (the cut), whose positions
 * are this server's. Entries recorded before the cut go by age, {@link #EARLIER_RUNS_KEPT} after they were written:
 * a run's unpruned tail (at most a prune interval of events, plus those between its start and the cut), kept long
 * enough for any failover to deliver their events again.
 *
 * <p>Not thread-safe: called from the housekeeping thread only.
 */
final class LedgerPruning {

    /** How long entries recorded before the current run was seen are kept. */
    static final Duration EARLIER_RUNS_KEPT = Duration.ofDays(1);

    /** The ledger operations pruning uses. */
    interface Ledger {
        /** The ledger database's clock, the clock entries are recorded by. */
        Timestamp now() throws SQLException;

        /** Deletes entries before {@code file:position} recorded at or after {@code since} (null: any time). */
        int pruneBefore(String file, long position, Timestamp since) throws SQLException;

        /** Deletes entries recorded before {@code cut} that are older than {@code keep}. */
        int pruneRecordedBefore(Timestamp cut, Duration keep) throws SQLException;
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
        if (position.run() == 0) {
            return ledger.pruneBefore(position.file(), position.position(), null);
        }
        if (position.run() != run) {
            cut = ledger.now();
            run = position.run();
            return 0;
        }
        if (!position.caughtUp()) {
            return 0;
        }
        return ledger.pruneRecordedBefore(cut, EARLIER_RUNS_KEPT)
                + ledger.pruneBefore(position.file(), position.position(), cut);
    }
}
