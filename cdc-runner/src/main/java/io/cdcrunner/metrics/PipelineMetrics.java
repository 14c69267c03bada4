package io.cdcrunner.metrics;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import io.cdcrunner.errors.Causes;
import io.cdcrunner.config.Redaction;
import io.cdcrunner.core.SourceStatus;
import io.cdcrunner.delivery.DeliveryCounters;
import io.cdcrunner.core.PipelineView;
import io.cdcrunner.core.PipelineCounters;
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.processor.SourcePosition;

/** The {@link PipelineMXBean} of one pipeline: a read-only view of its counters, timings and state. */
final class PipelineMetrics implements PipelineMXBean {

    /** Failing this long without any event finishing makes the pipeline unhealthy. */
    static final Duration FAILING_LIMIT = Duration.ofSeconds(30);

    private final PipelineView pipeline;
    private final EventTimings timings;
    private final SourceLag lag;
    private final ProgressSamples samples;
    private final SourceConnection connection;
    private final Redaction mask;
    private final Clock clock;
    private final long startedMillis;

    PipelineMetrics(PipelineView pipeline, EventTimings timings, SourceLag lag, ProgressSamples samples,
                    SourceConnection connection, Redaction mask, Clock clock) {
        this.connection = connection;
        this.pipeline = pipeline;
        this.timings = timings;
        this.lag = lag;
        this.samples = samples;
        this.mask = mask;
        this.clock = clock;
        this.startedMillis = clock.millis();
    }

    /** Events that reached an end: processed, skipped as duplicates or dead-lettered. */
    static long finished(DeliveryCounters delivery) {
        return delivery.processed() + delivery.duplicates() + delivery.deadLettered();
    }

    @Override
    public String getPipelineName() {
        return pipeline.name();
    }

    @Override
    public String getState() {
        return pipeline.state().name();
    }

    @Override
    public boolean isHealthy() {
        PipelineState state = pipeline.state();
        if (state == PipelineState.STANDBY) {
            return connection.downForMillis(clock.millis()) < pipeline.sourceDownLimit().toMillis();
        }
        return (state == PipelineState.SNAPSHOTTING || state == PipelineState.STREAMING)
                && samples.failingForMillis(clock.millis()) < FAILING_LIMIT.toMillis()
                && connection.downForMillis(clock.millis()) < pipeline.sourceDownLimit().toMillis();
    }

    @Override
    public boolean isPaused() {
        return pipeline.isPaused();
    }

    @Override
    public long getEventsReceived() {
        return counters().receivedCount();
    }

    @Override
    public long getEventsProcessed() {
        return counters().processedCount();
    }

    @Override
    public long getEventsFailed() {
        return counters().delivery().failedAttempts();
    }

    @Override
    public long getEventsRetried() {
        return counters().delivery().retried();
    }

    @Override
    public long getEventsDeadLettered() {
        return counters().delivery().deadLettered();
    }

    @Override
    public long getEventsSkippedAsDuplicates() {
        return counters().delivery().duplicates();
    }

    @Override
    public long getInFlight() {
        return Math.max(0, counters().receivedCount() - counters().finishedCount());
    }

    @Override
    public double getEventsPerSecond() {
        return samples.eventsPerSecond();
    }

    @Override
    public long getMillisBehindSource() {
        return pipeline.state() == PipelineState.STARTING ? 0 : lag.millisBehind();
    }

    @Override
    public LatencySnapshot getProcessingTimeMillis() {
        return timings.processingTime();
    }

    @Override
    public LatencySnapshot getCommitToProcessedMillis() {
        return timings.commitToProcessed();
    }

    @Override
    public String getLastProcessedPosition() {
        SourcePosition position = counters().lastProcessed();
        return position == null ? "" : (position.snapshot() ? "snapshot at " : "") + position.binlogEventId();
    }

    @Override
    public String getLastProcessedGtid() {
        SourcePosition position = counters().lastProcessed();
        return position == null || position.gtid() == null ? "" : position.gtid();
    }

    @Override
    public String getLastError() {
        if (pipeline.failure().isPresent()) {
            return mask.apply(Causes.summary(pipeline.failure().get()));
        }
        Optional<String> sourceProblem = pipeline.source().problem();
        if (sourceProblem.isPresent()) {
            return mask.apply(sourceProblem.get());
        }
        long down = getSourceDisconnectedSeconds();
        if (down > 0) {
            return "the connection to the source (the binlog, or the Kafka brokers) has been down for " + down
                    + " s (unhealthy after "
                    + pipeline.sourceDownLimit().toSeconds() + " s, source.down.unhealthy.after.ms); the engine keeps"
                    + " reconnecting, and the log has its errors";
        }
        long failing = getFailingForSeconds();
        if (failing > 0) {
            return "the processor has been failing for " + failing + " s with no event finished ("
                    + getEventsFailed() + " failed attempts in all); the log has each error";
        }
        return "";
    }

    @Override
    public long getFailingForSeconds() {
        return samples.failingForMillis(clock.millis()) / 1000;
    }

    @Override
    public long getSourceDisconnectedSeconds() {
        return connection.downForMillis(clock.millis()) / 1000;
    }

    @Override
    public String getSourceServer() {
        return pipeline.source().server().map(SourceStatus.Server::address).orElse("");
    }

    @Override
    public String getSourceServerSince() {
        return pipeline.source().server().map(server -> server.since() + " (" + mask.apply(server.reason()) + ")")
                .orElse("");
    }

    @Override
    public String[] getSourcePartitions() {
        return pipeline.source().partitions().toArray(String[]::new);
    }

    @Override
    public long getStatementFormatChanges() {
        return counters().rowlessChangeCount();
    }

    @Override
    public long getUptimeSeconds() {
        return Math.max(0, clock.millis() - startedMillis) / 1000;
    }

    @Override
    public void pause() {
        pipeline.pause();
    }

    @Override
    public void resume() {
        pipeline.resume();
    }

    private PipelineCounters counters() {
        return pipeline.counters();
    }
}
