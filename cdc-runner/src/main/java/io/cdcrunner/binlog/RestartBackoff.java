package io.cdcrunner.binlog;

import java.time.Duration;

/**
 * How long the supervisor waits before starting the engine again after a lost connection: 1 s, doubling up to
 * {@code source.connect.retry.max.backoff.ms}, and back to 1 s once a run finished events (the connection came back
 * and worked). Not thread-safe: the supervisor calls it from one engine completion at a time.
 */
final class RestartBackoff {

    static final Duration FIRST = Duration.ofSeconds(1);

    private final Duration max;
    private Duration next = FIRST;
    private long finishedAtLastStart;

    RestartBackoff(Duration max) {
        this.max = max.compareTo(FIRST) < 0 ? FIRST : max;
    }

    /** An engine run starts, with {@code finished} events finished so far. */
    void started(long finished) {
        finishedAtLastStart = finished;
    }

    /** The run ended with a lost connection after {@code finished} events in all: how long to wait now. */
    Duration afterLoss(long finished) {
        if (finished > finishedAtLastStart) {
            next = FIRST;
        }
        Duration wait = next;
        next = next.multipliedBy(2).compareTo(max) <= 0 ? next.multipliedBy(2) : max;
        return wait;
    }
}
