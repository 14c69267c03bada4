package io.cdcrunner.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.cdcrunner.core.RecordedPosition;
import io.cdcrunner.testkit.UnitTest;

/**
 * Pruning the ledger by position waits, after the source starts reading (maybe another server), until it caught up,
 * and then touches only what the run recorded; what earlier runs recorded goes by age.
 */
@UnitTest
class LedgerPruningTest {

    private final List<String> calls = new ArrayList<>();
    private long clock = 1_000;
    private final LedgerPruning pruning = new LedgerPruning(new LedgerPruning.Ledger() {
        @Override
        public Timestamp now() {
            calls.add("now " + clock);
            return new Timestamp(clock);
        }

        @Override
        public int pruneBefore(String file, long position, Timestamp since) {
            calls.add("before " + file + ":" + position + (since == null ? "" : " since " + since.getTime()));
            return 1;
        }

        @Override
        public int pruneRecordedBefore(Timestamp cut, Duration keep) {
            calls.add("recorded before " + cut.getTime() + " and older than " + keep);
            return 10;
        }
    });

    @Test
    void aSourceReadingOneServerIsPrunedByPositionEveryTime() throws Exception {
        assertThat(pruning.prune(new RecordedPosition("binlog.000003", 400))).isEqualTo(1);
        assertThat(pruning.prune(new RecordedPosition("binlog.000003", 900))).isEqualTo(1);

        assertThat(calls).containsExactly("before binlog.000003:400", "before binlog.000003:900");
    }

    @Test
    void aNewRunIsNotPrunedUntilCaughtUpThenOnlyItsOwnEntriesByPosition() throws Exception {
        assertThat(pruning.prune(new RecordedPosition("replica-bin.000001", 100, 7, false))).isZero();
        clock = 2_000;
        assertThat(pruning.prune(new RecordedPosition("replica-bin.000001", 200, 7, false))).isZero();
        assertThat(calls).containsExactly("now 1000");

        assertThat(pruning.prune(new RecordedPosition("replica-bin.000001", 300, 7, true))).isEqualTo(11);

        assertThat(calls).containsExactly("now 1000", "recorded before 1000 and older than PT24H",
                "before replica-bin.000001:300 since 1000");
    }

    @Test
    void eachNewRunTakesItsOwnCut() throws Exception {
        pruning.prune(new RecordedPosition("binlog.000009", 100, 3, true));
        pruning.prune(new RecordedPosition("binlog.000009", 150, 3, true));
        clock = 5_000;
        pruning.prune(new RecordedPosition("other-bin.000001", 4, 4, false));
        pruning.prune(new RecordedPosition("other-bin.000001", 90, 4, true));

        assertThat(calls).containsExactly("now 1000", "recorded before 1000 and older than PT24H",
                "before binlog.000009:150 since 1000", "now 5000", "recorded before 5000 and older than PT24H",
                "before other-bin.000001:90 since 5000");
    }
}
