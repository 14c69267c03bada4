package io.cdcrunner.metrics;

/**
 * Samples of the event counters taken once a second, giving the recent rate and whether the processor has been
 * failing without any event finishing (a lost database retried forever, a poison event being retried).
 */
final class ProgressSamples {

    private static final int RATE_SAMPLES = 11;

    private final long[] times = new long[RATE_SAMPLES];
    private final long[] counts = new long[RATE_SAMPLES];
    private int samples;
    private int newest = -1;
    private long lastFailed;
    private long lastFinished;
    private long failingSince = -1;

    /**
     * @param finished events processed, skipped as duplicates or dead-lettered so far
     * @param failed   failed attempts so far
     */
    synchronized void observe(long nowMillis, long finished, long failed) {
        newest = (newest + 1) % RATE_SAMPLES;
        times[newest] = nowMillis;
        counts[newest] = finished;
        samples = Math.min(samples + 1, RATE_SAMPLES);
        if (finished > lastFinished) {
            failingSince = -1;
        } else if (failed > lastFailed && failingSince < 0) {
            failingSince = nowMillis;
        }
        lastFinished = finished;
        lastFailed = failed;
    }

    /** Events finished per second over the last ten seconds (fewer right after the start). */
    synchronized double eventsPerSecond() {
        if (samples < 2) {
            return 0;
        }
        int oldest = (newest - samples + 1 + RATE_SAMPLES) % RATE_SAMPLES;
        long millis = times[newest] - times[oldest];
        return millis <= 0 ? 0 : (counts[newest] - counts[oldest]) * 1000.0 / millis;
    }

    /** How long attempts have been failing with no event finishing since; 0 when not failing. */
    synchronized long failingForMillis(long nowMillis) {
        return failingSince < 0 ? 0 : Math.max(0, nowMillis - failingSince);
    }
}
