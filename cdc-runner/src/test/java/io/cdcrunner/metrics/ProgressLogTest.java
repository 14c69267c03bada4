package io.cdcrunner.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.testkit.UnitTest;

/** The progress lines an operator reads during a snapshot and a catch-up, driven by a clock the test moves. */
@UnitTest
class ProgressLogTest {

    private final ManualClock clock = new ManualClock(1_700_000_000_000L);
    private final AtomicReference<PipelineState> state = new AtomicReference<>(PipelineState.STARTING);
    private final AtomicLong snapshotRows = new AtomicLong();
    private final Map<String, Object> attributes = new ConcurrentHashMap<>(Map.of(
            "MillisBehindSource", 0L, "EventsPerSecond", 0.0, "InFlight", 0L));
    private volatile boolean snapshotCompleted;
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(ProgressLog.class);
    private ProgressLog progress;

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
        PipelineMXBean metrics = (PipelineMXBean) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PipelineMXBean.class},
                (proxy, method, args) -> attributes.get(method.getName().replaceFirst("^(get|is)", "")));
        progress = new ProgressLog("orders", state::get, snapshotRows::get, metrics, new ProgressLog.SnapshotSource() {
            @Override
            public long estimatedRows() {
                return 400_000;
            }

            @Override
            public boolean completed() {
                return snapshotCompleted;
            }
        }, clock);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    private List<String> messages() {
        return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private void tenSecondsLater() {
        clock.advance(Duration.ofSeconds(10));
        progress.report();
    }

    @Test
    void aSnapshotReportsRowsOfTheEstimateRateAndTimeLeftThenDone() {
        state.set(PipelineState.SNAPSHOTTING);
        snapshotRows.set(100_000);
        tenSecondsLater();
        snapshotRows.set(200_000);
        tenSecondsLater();
        snapshotRows.set(400_000);
        snapshotCompleted = true;
        tenSecondsLater();
        tenSecondsLater();

        assertThat(messages()).containsExactly(
                "pipeline 'orders' snapshot: 100,000 of about 400,000 rows (25%), 10,000 rows/s, about 30 s left",
                "pipeline 'orders' snapshot: 200,000 of about 400,000 rows (50%), 10,000 rows/s, about 20 s left",
                "pipeline 'orders' snapshot done: 400,000 rows in about 30 s");
    }

    @Test
    void catchingUpReportsTheShrinkingLagThenCaughtUpOnce() {
        state.set(PipelineState.STREAMING);
        attributes.put("EventsPerSecond", 20_000.0);
        attributes.put("MillisBehindSource", 60_000L);
        tenSecondsLater();
        attributes.put("MillisBehindSource", 40_000L);
        tenSecondsLater();
        attributes.put("MillisBehindSource", 0L);
        tenSecondsLater();
        tenSecondsLater();

        assertThat(messages()).containsExactly(
                "pipeline 'orders' catching up: 1 m 0 s behind the source, 20,000 events/s",
                "pipeline 'orders' catching up: 40 s behind the source, shrinking 2.0 s per second, about 20 s left, "
                        + "20,000 events/s",
                "pipeline 'orders' caught up with the source (0 ms behind)");
    }

    @Test
    void aPipelineKeepingUpLogsNothing() {
        state.set(PipelineState.STREAMING);
        attributes.put("MillisBehindSource", 1_500L);
        tenSecondsLater();
        tenSecondsLater();
        assertThat(messages()).isEmpty();
    }
}
