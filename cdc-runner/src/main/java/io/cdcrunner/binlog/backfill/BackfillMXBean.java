package io.cdcrunner.binlog.backfill;

/**
 * A pipeline's backfills over JMX, under {@code cdc.runner:type=Backfill,name=<pipeline.name>}: the run in progress (or
 * the last one), and the operations {@code cdc-runner snapshot} calls. Registered while a binlog pipeline streams.
 * The operations are for operators only (the {@code readwrite} users of {@code jmx.remote.access.file}).
 */
public interface BackfillMXBean {

    /** The run in progress, else the last one; empty when there has been none. */
    String getRunId();

    /** That run's state: QUEUED, RUNNING, STOPPING, COMPLETED, STOPPED or FAILED; NONE when there has been no run. */
    String getState();

    /** Why it runs: {@code request} or {@code new tables}. */
    String getReason();

    /** Its condition, empty for every row. */
    String getWhere();

    /** One line per table: {@code db.table rows N of ~M, K chunks[, scanned]}. */
    String[] getTables();

    /** Rows of the run processed so far, over every table. */
    long getRowsDelivered();

    /** Chunks the engine read so far, over every table. */
    long getChunksRead();

    /** Rows processed per second since the run started in this process; 0 when not running. */
    double getRowsPerSecond();

    /** Estimated seconds until every row is delivered; -1 when unknown (no estimate, or not running). */
    long getEstimatedSecondsLeft();

    /** What went wrong with the run, one line each: a table the engine skipped, say; empty when nothing. */
    String[] getProblems();

    /** Runs waiting behind it, one line each. */
    String[] getQueued();

    /** The last finished runs, newest last, one line each. */
    String[] getRecentRuns();

    /**
     * Asks for a backfill of {@code tables} (comma-separated {@code db.table}) with an optional SQL condition
     * ({@code where}, empty for every row); it starts at once, or after the run in progress.
     *
     * @return a line naming the new run
     * @throws IllegalArgumentException naming what is wrong with the request and the fix
     */
    String startBackfill(String tables, String where);

    /**
     * Stops the run in progress (and drops the queued ones): rows already delivered stay delivered.
     *
     * @return a line saying what was stopped
     */
    String stopBackfill();
}
