package io.cdcrunner.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.cdcrunner.config.Redaction;
import io.cdcrunner.core.StubPipelineView;
import io.cdcrunner.testkit.ChangeEventBuilder;
import io.cdcrunner.testkit.UnitTest;

/** What {@code cdc-runner status} prints, read from the MXBean of a stub pipeline. */
@UnitTest
class StatusReportTest {

    private final ManualClock clock = new ManualClock(1_000_000);
    private final StubPipelineView view = new StubPipelineView("orders");
    private final EventTimings timings = new EventTimings(clock);
    private final PipelineMetrics bean = new PipelineMetrics(view, timings, new SourceLag(clock, () -> false),
            new ProgressSamples(), new SourceConnection(), Redaction.PATTERNS_ONLY, clock);

    @Test
    void aHealthyPipelineBeforeItsFirstEventSaysSoOnEveryLine() {
        StatusReport report = StatusReport.of(bean);

        assertThat(report.healthy()).isTrue();
        assertThat(report.render().replace(System.lineSeparator(), "\n")).isEqualTo(String.join("\n",
                "pipeline 'orders': STREAMING, healthy",
                "  behind source        0 ms",
                "  rate                 0.0 events/s (last 10 s)",
                "  events               received 0, processed 0, in flight 0",
                "  failures             failed attempts 0, retried 0, dead-lettered 0, duplicates skipped 0",
                "  processing time      no events in the last minute",
                "  commit-to-processed  no events in the last minute, commit times have 1 s resolution",
                "  last position        none yet",
                "  uptime               0 s",
                "  last error           none", ""));
    }

    @Test
    void aPausedPipelineWithEventsShowsItsLatenciesPositionAndPartitions() {
        view.sourcePartitions(List.of("orders-0 lag 3"));
        view.pause();
        var event = ChangeEventBuilder.insert().key("id", 1).at(300).gtidTransaction("0-1-9")
                .committedAt(Instant.ofEpochMilli(clock.millis() - 1_500)).build();
        timings.processed(event, 0, 2_000_000);
        view.counters().onReceived(1);
        view.counters().onFinished(event.position());

        String text = StatusReport.of(bean).render();

        assertThat(text).startsWith("pipeline 'orders': STREAMING (paused), healthy")
                .containsPattern("processing time +p50 2\\.0 ms, .* \\(1 events, last minute\\)")
                .containsPattern("last position +binlog\\.000001:300:0, GTID 0-1-9")
                .containsPattern("partitions +1 owned: orders-0 lag 3");
    }

    @Test
    void aFailedPipelineIsNotHealthyAndItsErrorIsTheLastLine() {
        view.failed(new IllegalStateException("refusing row id 1"));

        StatusReport report = StatusReport.of(bean);

        assertThat(report.healthy()).isFalse();
        assertThat(report.render()).startsWith("pipeline 'orders': FAILED, NOT healthy")
                .endsWith("  last error           refusing row id 1" + System.lineSeparator());
    }
}
