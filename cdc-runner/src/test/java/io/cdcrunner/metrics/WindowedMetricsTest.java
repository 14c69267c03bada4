package io.cdcrunner.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.cdcrunner.testkit.UnitTest;

/** The clock-driven parts of the metrics, with a clock the test moves. */
@UnitTest
class WindowedMetricsTest {

    private final ManualClock clock = new ManualClock(1_700_000_000_000L);

    @Test
    void percentilesCoverTheLastMinuteOnly() {
        RollingHistogram histogram = new RollingHistogram(3_600_000_000L, Duration.ofMinutes(1), clock);
        for (int i = 1; i <= 100; i++) {
            histogram.record(i * 1_000L);
        }
        LatencySnapshot recent = histogram.snapshot(1_000.0);
        assertThat(recent.getCount()).isEqualTo(100);
        assertThat(recent.getP50()).isCloseTo(50.0, within(0.1));
        assertThat(recent.getP99()).isCloseTo(99.0, within(0.1));
        assertThat(recent.getMax()).isCloseTo(100.0, within(0.1));

        clock.advance(Duration.ofSeconds(30));
        histogram.record(500_000L);
        assertThat(histogram.snapshot(1_000.0).getCount()).isEqualTo(101);

        clock.advance(Duration.ofSeconds(45));
        LatencySnapshot later = histogram.snapshot(1_000.0);
        assertThat(later.getCount()).as("the first hundred are older than a minute").isEqualTo(1);
        assertThat(later.getMax()).isCloseTo(500.0, within(1.0));

        clock.advance(Duration.ofMinutes(5));
        assertThat(histogram.snapshot(1_000.0).getCount()).isZero();
        assertThat(histogram.totalCount()).isEqualTo(101);
    }

    @Test
    void rateCountsTheLastTenSecondsAndFailingNeedsFailuresWithoutProgress() {
        ProgressSamples samples = new ProgressSamples();
        assertThat(samples.eventsPerSecond()).isZero();
        long finished = 0;
        for (int second = 0; second <= 20; second++) {
            finished += second < 10 ? 100 : 50;
            samples.observe(clock.millis(), finished, 0);
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(samples.eventsPerSecond()).isCloseTo(50.0, within(0.01));
        assertThat(samples.failingForMillis(clock.millis())).isZero();

        samples.observe(clock.millis(), finished, 3);
        long failingFrom = clock.millis();
        clock.advance(Duration.ofSeconds(40));
        samples.observe(clock.millis(), finished, 9);
        assertThat(samples.failingForMillis(clock.millis())).isEqualTo(clock.millis() - failingFrom);

        clock.advance(Duration.ofSeconds(1));
        samples.observe(clock.millis(), finished + 1, 10);
        assertThat(samples.failingForMillis(clock.millis())).as("an event finished: not stuck").isZero();
    }

    @Test
    void lagIsTheAgeOfTheHeldBatchAndZeroOnceNothingIsHeld() {
        AtomicBoolean queueHasEvents = new AtomicBoolean();
        SourceLag lag = new SourceLag(clock, queueHasEvents::get);
        assertThat(lag.millisBehind()).isZero();

        long committed = clock.millis() - 2_000;
        lag.batchStarted(committed);
        clock.advance(Duration.ofMillis(500));
        assertThat(lag.millisBehind()).isEqualTo(2_500);
        lag.batchFinished();
        assertThat(lag.millisBehind()).as("idle: nothing held").isZero();

        queueHasEvents.set(true);
        assertThat(lag.millisBehind()).as("catching up between batches: the last batch's lag").isEqualTo(2_500);
        queueHasEvents.set(false);

        lag.batchStarted(-1);
        assertThat(lag.millisBehind()).as("a batch of heartbeats holds no row change").isZero();
        lag.batchFinished();
    }
}
