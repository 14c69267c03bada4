package io.cdcrunner.core;

import static io.cdcrunner.core.PipelineState.FAILED;
import static io.cdcrunner.core.PipelineState.SNAPSHOTTING;
import static io.cdcrunner.core.PipelineState.STANDBY;
import static io.cdcrunner.core.PipelineState.STARTING;
import static io.cdcrunner.core.PipelineState.STOPPED;
import static io.cdcrunner.core.PipelineState.STOPPING;
import static io.cdcrunner.core.PipelineState.STREAMING;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import io.cdcrunner.testkit.UnitTest;
import org.junit.jupiter.api.Test;

@UnitTest
class PipelineStateTest {

    /** The whole table: every state, the states it may move to; every move not listed is refused. */
    private static final Map<PipelineState, Set<PipelineState>> LEGAL = Map.of(
            STANDBY, EnumSet.of(STARTING, STOPPED),
            STARTING, EnumSet.of(SNAPSHOTTING, STREAMING, STOPPING, FAILED),
            SNAPSHOTTING, EnumSet.of(STREAMING, STOPPING, FAILED),
            STREAMING, EnumSet.of(STOPPING, FAILED),
            STOPPING, EnumSet.of(STOPPED, FAILED, STANDBY),
            STOPPED, EnumSet.noneOf(PipelineState.class),
            FAILED, EnumSet.noneOf(PipelineState.class));

    @Test
    void everyMoveIsAllowedExactlyWhenTheTableListsIt() {
        assertThat(LEGAL).containsOnlyKeys(PipelineState.values());
        for (PipelineState from : PipelineState.values()) {
            for (PipelineState to : PipelineState.values()) {
                assertThat(from.canMoveTo(to)).as("%s -> %s", from, to).isEqualTo(LEGAL.get(from).contains(to));
            }
        }
    }

    @Test
    void stoppedAndFailedAreFinalAndLeadNowhereNotEvenToEachOther() {
        assertThat(EnumSet.allOf(PipelineState.class).stream().filter(PipelineState::isFinal))
                .containsExactlyInAnyOrder(STOPPED, FAILED);
        for (PipelineState to : PipelineState.values()) {
            assertThat(STOPPED.canMoveTo(to)).as("STOPPED -> %s", to).isFalse();
            assertThat(FAILED.canMoveTo(to)).as("FAILED -> %s", to).isFalse();
        }
    }

    @Test
    void aStandingByInstanceOnlyStartsATermOrStops() {
        assertThat(EnumSet.allOf(PipelineState.class).stream().filter(STANDBY::canMoveTo))
                .containsExactlyInAnyOrder(STARTING, STOPPED);
    }

    @Test
    void noStateMovesToItselfAndOnlyAStoppingTermStandsBy() {
        for (PipelineState state : PipelineState.values()) {
            assertThat(state.canMoveTo(state)).as("%s -> itself", state).isFalse();
            assertThat(state.canMoveTo(STANDBY)).as("%s -> STANDBY", state).isEqualTo(state == STOPPING);
        }
    }
}
