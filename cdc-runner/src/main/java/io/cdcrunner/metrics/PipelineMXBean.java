package io.cdcrunner.metrics;

/**
 * One pipeline, over JMX, under the exact name {@code cdc.runner:type=Pipeline,name=<pipeline.name>}
 * ({@link PipelineMonitoring#objectName(String)}). Counters count since the daemon started; latencies cover the
 * last minute. Read by {@code cdc-runner status} and the Prometheus JMX exporter rules in
 * {@code config/jmx-exporter.yml}.
 */
public interface PipelineMXBean {

    /** {@code pipeline.name}. */
    String getPipelineName();

    /** STARTING, SNAPSHOTTING, STREAMING, STOPPING, STOPPED or FAILED. */
    String getState();

    /** True when SNAPSHOTTING or STREAMING and attempts have not been failing without progress for 30 s. */
    boolean isHealthy();

    /** True between the operations {@link #pause()} and {@link #resume()}. */
    boolean isPaused();

    /** Row changes that passed the filters and were handed to the processor. */
    long getEventsReceived();

    /** Events whose {@code process} call returned. */
    long getEventsProcessed();

    /** Failed attempts, retried or not. */
    long getEventsFailed();

    /** Attempts made again after a failure. */
    long getEventsRetried();

    /** Events stored as dead letters after their last attempt. */
    long getEventsDeadLettered();

    /** Redelivered events skipped because the processor's ledger already held them. */
    long getEventsSkippedAsDuplicates();

    /** Events handed to the processor and not finished yet. */
    long getInFlight();

    /** Events finished per second over the last ten seconds. */
    double getEventsPerSecond();

    /** Age by commit time of the oldest event held and not finished; 0 when all caught up (see {@link SourceLag}). */
    long getMillisBehindSource();

    /** Time from the start of an event's delivery to its end, retries included, over the last minute. */
    LatencySnapshot getProcessingTimeMillis();

    /** Time from the source's commit (one-second resolution) to the end of processing, over the last minute. */
    LatencySnapshot getCommitToProcessedMillis();

    /** Binlog position of the last event the recorded offset may pass ({@code file:position:row}); empty before one. */
    String getLastProcessedPosition();

    /** GTID of that event's transaction; empty when the source has no GTIDs or before the first event. */
    String getLastProcessedGtid();

    /**
     * Why the pipeline failed, or that the processor keeps failing; empty when all is well. Messages only, with
     * every configured secret masked.
     */
    String getLastError();

    /** How long attempts have been failing with no event finishing since; 0 when not failing. */
    long getFailingForSeconds();

    /** How long the binlog connection has been down while streaming, in seconds; 0 when it is up. */
    long getSourceDisconnectedSeconds();

    /**
     * With {@code source.type=kafka}: the partitions this member owns, each {@code topic-partition lag N} (records
     * not yet read, -1 until known), {@code HALTED} when a halt holds it; empty for the binlog.
     */
    String[] getSourcePartitions();

    /**
     * With the binlog: the server read now, {@code host:port} (one of {@code source.host}); empty for Kafka. It
     * changes when the daemon moves to another server after a failover.
     */
    String getSourceServer();

    /** Since when the daemon reads {@link #getSourceServer()} (ISO-8601), and why that server; empty for Kafka. */
    String getSourceServerSince();

    /** Seconds since the pipeline was started. */
    long getUptimeSeconds();

    /**
     * Changes to captured tables logged as statements (without row images, {@code binlog_format=STATEMENT} in the
     * writer's session) met since the start; the pipeline stops before the first and is then unhealthy.
     */
    long getStatementFormatChanges();

    /** Finish the events in progress and take no new batch until {@link #resume()}; offsets stay exact. */
    void pause();

    /** Take batches again after {@link #pause()}. */
    void resume();
}
