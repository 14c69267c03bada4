package io.cdcrunner.binlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLNonTransientConnectionException;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.state.StateDirectory;
import io.cdcrunner.testkit.UnitTest;

/** The binlog source's pure decisions: how the engine starts, which failures a restart fixes, what the user reads. */
@UnitTest
class StartAndFailureRulesTest {

    @TempDir
    Path temp;

    private static final Optional<RecordedOffset> NOTHING = Optional.empty();
    private static final Optional<RecordedOffset> STREAMING = RecordedOffset.in(
            Map.of("k", "{\"file\":\"binlog.000002\",\"pos\":400}"));
    private static final Optional<RecordedOffset> MID_SNAPSHOT = RecordedOffset.in(
            Map.of("k", "{\"file\":\"binlog.000002\",\"pos\":400,\"snapshot\":\"INITIAL\"}"));

    @Test
    void theStartPlanFollowsWhatTheStateDirectoryHolds() {
        // Offsets and history: resume; with recovery=snapshot, re-read only if the position was purged.
        assertThat(StartPlan.decide(STREAMING, true, false, false)).isEqualTo(new StartPlan(SnapshotMode.NO_DATA, false));
        assertThat(StartPlan.decide(STREAMING, true, true, true)).isEqualTo(new StartPlan(SnapshotMode.WHEN_NEEDED, false));
        // Offsets without history (seeded, or history deleted): rebuild the schema, resume from the offsets.
        assertThat(StartPlan.decide(STREAMING, false, true, true)).isEqualTo(new StartPlan(SnapshotMode.RECOVERY, false));
        // Nothing recorded: a snapshot when asked for, else seed the binlog end first.
        assertThat(StartPlan.decide(NOTHING, false, true, false)).isEqualTo(new StartPlan(SnapshotMode.INITIAL, false));
        assertThat(StartPlan.decide(NOTHING, true, false, true)).isEqualTo(new StartPlan(SnapshotMode.RECOVERY, true));
    }

    @Test
    void offsetsRecordedInTheMiddleOfASnapshotReadTheTablesAgainWhateverElseIsRecordedOrConfigured() {
        StartPlan redo = new StartPlan(SnapshotMode.INITIAL, false, MID_SNAPSHOT);
        for (boolean history : new boolean[] {true, false}) {
            for (boolean snapshotAsked : new boolean[] {true, false}) {
                for (boolean recovery : new boolean[] {true, false}) {
                    assertThat(StartPlan.decide(MID_SNAPSHOT, history, snapshotAsked, recovery)).isEqualTo(redo);
                }
            }
        }
        // Debezium's older marker, and its completed flag, are read as Debezium reads them.
        assertThat(RecordedOffset.in(Map.of("k", "{\"file\":\"b.1\",\"pos\":4,\"snapshot\":true}")).orElseThrow()
                .snapshotUnfinished()).isTrue();
        assertThat(RecordedOffset.in(Map.of("k", "{\"file\":\"b.1\",\"pos\":4,\"snapshot\":\"INITIAL\","
                + "\"snapshot_completed\":true}")).orElseThrow().snapshotUnfinished()).isFalse();
        assertThat(RecordedOffset.in(Map.of("k", "{\"file\":\"b.1\",\"pos\":4,\"snapshot\":\"INCREMENTAL\"}"))
                .orElseThrow().snapshotUnfinished()).as("an incremental snapshot resumes by itself").isFalse();
        assertThat(MID_SNAPSHOT.orElseThrow().point()).contains(new BinlogPoint("binlog.000002", 400));
    }

    @Test
    void aLostConnectionIsRestartedAfterAndAPurgedPositionIsNot() {
        assertThat(EngineSupervisor.isConnectionLoss(new RuntimeException("wrapped", new SocketException("Connection reset"))))
                .isTrue();
        assertThat(EngineSupervisor.isConnectionLoss(new IllegalStateException("x", new IOException("EOF")))).isTrue();
        assertThat(EngineSupervisor.isConnectionLoss(new SQLNonTransientConnectionException("Communications link failure")))
                .isTrue();
        assertThat(EngineSupervisor.isConnectionLoss(new java.io.FileNotFoundException("offsets.json"))).isFalse();
        assertThat(EngineSupervisor.isConnectionLoss(new IllegalArgumentException("column 'x' cannot be mapped"))).isFalse();
        RuntimeException purged = new RuntimeException("binlog", new IOException(
                "Could not find first log file name in binary log index file"));
        assertThat(FailureTranslator.isPurgedPosition(purged)).isTrue();
        assertThat(EngineSupervisor.isConnectionLoss(purged)).as("an IOException, but a restart cannot fix it").isFalse();
        RuntimeException purgedWhileStreaming = new RuntimeException("binlog", new IOException("Cannot replicate because"
                + " the source purged required binary logs. Replicate the missing transactions from elsewhere, or"
                + " provision a new replica from backup."));
        assertThat(EngineSupervisor.isConnectionLoss(purgedWhileStreaming)).as("MySQL's 1236 while streaming").isFalse();
    }

    @Test
    void aPurgedPositionIsTranslatedIntoWhatRecoversAndNamesTheRecordedPosition() throws Exception {
        StateDirectory state = new StateDirectory(temp.resolve("state")).create();
        OffsetSeeder.seedIfAbsent(state, "p", "p", "binlog.000007", 4242L, null);
        Throwable translated = FailureTranslator.translate(new RuntimeException("The slave is connecting using"
                + " CHANGE MASTER TO MASTER_AUTO_POSITION = 1, but the master has purged binary logs containing GTIDs"
                + " that the slave requires. have been purged"), state);
        assertThat(translated).isInstanceOf(FailureTranslator.PipelineFailure.class);
        assertThat(translated.getMessage()).contains("binlog.000007", "4242", "source.recovery=snapshot",
                state.offsetsFile().toString());
        IllegalStateException other = new IllegalStateException("something else");
        assertThat(FailureTranslator.translate(other, state)).isSameAs(other);
        assertThat(Files.exists(state.offsetsFile())).isTrue();
    }

    @Test
    void theRestartBackoffDoublesUpToItsLimitAndStartsOverOnceARunFinishedEvents() {
        RestartBackoff backoff = new RestartBackoff(java.time.Duration.ofSeconds(5));
        backoff.started(0);
        assertThat(backoff.afterLoss(0)).hasSeconds(1);
        backoff.started(0);
        assertThat(backoff.afterLoss(0)).hasSeconds(2);
        backoff.started(0);
        assertThat(backoff.afterLoss(0)).hasSeconds(4);
        backoff.started(0);
        assertThat(backoff.afterLoss(0)).as("capped at the limit").hasSeconds(5);
        assertThat(backoff.afterLoss(0)).hasSeconds(5);
        // A run that finished events: the connection worked again, so the next loss waits 1 s.
        backoff.started(10);
        assertThat(backoff.afterLoss(12)).hasSeconds(1);
        assertThat(new RestartBackoff(java.time.Duration.ofMillis(200)).afterLoss(0)).as("never below 1 s").hasSeconds(1);
    }
}

