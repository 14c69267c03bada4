package io.cdcrunner.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.cdcrunner.config.ConfigException;
import io.cdcrunner.config.ConfigLoader;
import io.cdcrunner.config.Redaction;
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.core.StubPipelineView;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.processor.SourcePosition;
import io.cdcrunner.testkit.UnitTest;

/**
 * The MXBean's attributes and health rules on a stub pipeline and a hand-moved clock: what a health check and the
 * {@code status} command read, in milliseconds. {@link PipelineMXBeanTest} shows the same against a real pipeline.
 */
@UnitTest
class PipelineMetricsTest {

    private static final String SECRET = "s3cret-source-pw";

    private final ManualClock clock = new ManualClock(1_000_000);
    private final StubPipelineView view = new StubPipelineView("orders");
    private final ProgressSamples samples = new ProgressSamples();
    private final SourceConnection connection = new SourceConnection();
    private volatile boolean engineQueueHasEvents;
    private final SourceLag lag = new SourceLag(clock, () -> engineQueueHasEvents);
    private final PipelineMetrics bean = new PipelineMetrics(view, new EventTimings(clock), lag, samples, connection,
            maskingTheSecret(), clock);

    @Test
    void aStreamingConnectedPipelineIsHealthyAndShowsItsCountsAndLastPosition() {
        view.counters().onReceived(3);
        view.counters().onFinished(position(200, false));
        view.counters().onFinished(position(300, false));

        assertThat(bean.getPipelineName()).isEqualTo("orders");
        assertThat(bean.getState()).isEqualTo("STREAMING");
        assertThat(bean.isHealthy()).isTrue();
        assertThat(bean.getEventsReceived()).isEqualTo(3);
        assertThat(bean.getInFlight()).isEqualTo(1);
        assertThat(bean.getLastProcessedPosition()).isEqualTo("binlog.000001:300:0");
        assertThat(bean.getLastProcessedGtid()).isEqualTo("0-1-300");
        assertThat(bean.getLastError()).isEmpty();
    }

    @Test
    void beforeAnyEventThePositionIsEmptyAndASnapshotRowSaysSo() {
        assertThat(bean.getLastProcessedPosition()).isEmpty();
        assertThat(bean.getLastProcessedGtid()).isEmpty();

        view.counters().onFinished(position(4, true));

        assertThat(bean.getLastProcessedPosition()).isEqualTo("snapshot at binlog.000001:4:0");
    }

    @ParameterizedTest
    @EnumSource(PipelineState.class)
    void onlyAPipelineReadingItsSourceOrStandingByIsHealthy(PipelineState state) {
        view.state(state);

        assertThat(bean.isHealthy()).isEqualTo(state == PipelineState.SNAPSHOTTING
                || state == PipelineState.STREAMING || state == PipelineState.STANDBY);
    }

    @Test
    void failingThirtySecondsWithNoEventFinishedIsUnhealthyUntilOneFinishes() {
        samples.observe(clock.millis(), 5, 0);
        clock.advance(Duration.ofSeconds(1));
        samples.observe(clock.millis(), 5, 1);

        clock.advance(PipelineMetrics.FAILING_LIMIT.minusMillis(1));
        assertThat(bean.isHealthy()).isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(bean.isHealthy()).isFalse();
        assertThat(bean.getFailingForSeconds()).isEqualTo(30);
        assertThat(bean.getLastError()).startsWith("the processor has been failing for 30 s with no event finished");

        samples.observe(clock.millis(), 6, 7);
        assertThat(bean.isHealthy()).isTrue();
        assertThat(bean.getLastError()).isEmpty();
    }

    @Test
    void aSourceDownForItsLimitIsUnhealthyWithTheReasonUntilItIsBack() {
        view.sourceDownLimit(Duration.ofSeconds(10));
        connection.observe(clock.millis(), Optional.of(false), Optional.empty(), PipelineState.STREAMING);

        clock.advance(Duration.ofMillis(9_999));
        assertThat(bean.isHealthy()).isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(bean.isHealthy()).isFalse();
        assertThat(bean.getSourceDisconnectedSeconds()).isEqualTo(10);
        assertThat(bean.getLastError()).contains("has been down for 10 s (unhealthy after 10 s,",
                "source.down.unhealthy.after.ms");

        connection.observe(clock.millis(), Optional.of(true), Optional.empty(), PipelineState.STREAMING);
        assertThat(bean.isHealthy()).isTrue();
        assertThat(bean.getLastError()).isEmpty();
    }

    @Test
    void whenTheSourceDoesNotSayTheBinlogEnginesConnectedAttributeDecides() {
        view.sourceDownLimit(Duration.ofSeconds(1));
        connection.observe(clock.millis(), Optional.empty(), Optional.of(true), PipelineState.STREAMING);
        clock.advance(Duration.ofSeconds(5));
        assertThat(bean.isHealthy()).isTrue();

        connection.observe(clock.millis(), Optional.empty(), Optional.empty(), PipelineState.STREAMING);
        clock.advance(Duration.ofSeconds(1));
        assertThat(bean.isHealthy()).as("no engine MBean while streaming counts as down").isFalse();
    }

    @Test
    void aStandbyIsUnhealthyOnlyOnceItsStateServerIsOutOfReachTooLong() {
        view.state(PipelineState.STANDBY).sourceDownLimit(Duration.ofSeconds(10));
        samples.observe(clock.millis(), 0, 0);
        samples.observe(clock.millis(), 0, 1);
        clock.advance(Duration.ofMinutes(5));
        assertThat(bean.isHealthy()).as("a standby processes nothing; failures do not count").isTrue();

        connection.observe(clock.millis(), Optional.of(false), Optional.empty(), PipelineState.STANDBY);
        clock.advance(Duration.ofSeconds(10));
        assertThat(bean.isHealthy()).isFalse();
    }

    @Test
    void aFailureIsTheLastErrorWithItsCausesAndWithoutTheConfiguredSecret() {
        view.failed(new IllegalStateException("cannot apply row id 1",
                new SQLException("Access denied for user 'cdc' (using password " + SECRET + ")")));

        assertThat(bean.isHealthy()).isFalse();
        assertThat(bean.getLastError()).startsWith("cannot apply row id 1 <- Access denied for user 'cdc'")
                .doesNotContain(SECRET).doesNotContain("SQLException");
    }

    @Test
    void aHaltedPartitionIsTheLastErrorAndThePartitionsAreListed() {
        view.sourceProblem("partition orders-1 halted at offset 7: the processor refused it")
                .sourcePartitions(List.of("orders-0 lag 0", "orders-1 lag 12"));

        assertThat(bean.getLastError()).isEqualTo("partition orders-1 halted at offset 7: the processor refused it");
        assertThat(bean.getSourcePartitions()).containsExactly("orders-0 lag 0", "orders-1 lag 12");
    }

    @Test
    void theLagIsTheAgeOfTheBatchInHandAndZeroWhileStarting() {
        lag.batchStarted(clock.millis() - 5_000);
        view.state(PipelineState.STARTING);
        assertThat(bean.getMillisBehindSource()).isZero();

        view.state(PipelineState.STREAMING);
        assertThat(bean.getMillisBehindSource()).isEqualTo(5_000);

        lag.batchFinished();
        assertThat(bean.getMillisBehindSource()).as("caught up: nothing waits in the engine").isZero();
        engineQueueHasEvents = true;
        assertThat(bean.getMillisBehindSource()).as("the last batch's lag while more waits").isEqualTo(5_000);
    }

    @Test
    void pauseAndResumeReachThePipelineAndUptimeFollowsTheClock() {
        bean.pause();
        assertThat(view.isPaused()).isTrue();
        assertThat(bean.isPaused()).isTrue();
        bean.resume();
        assertThat(bean.isPaused()).isFalse();

        clock.advance(Duration.ofSeconds(61));
        assertThat(bean.getUptimeSeconds()).isEqualTo(61);
    }

    private static Redaction maskingTheSecret() {
        try {
            return Redaction.of(ConfigLoader.fromMap(Map.of("source.host", "db", "source.user", "cdc",
                    "source.password", SECRET)));
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SourcePosition position(long offset, boolean snapshot) {
        return new SourcePosition(ServerFlavor.MARIADB, 1, "binlog.000001", offset, 0,
                snapshot ? null : "0-1-" + offset, snapshot);
    }
}
