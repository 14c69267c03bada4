package io.cdcrunner.load;

import java.util.concurrent.locks.LockSupport;

/**
 * The schedule of a writer that must hold a rate: row {@code i} is due at {@code start + i / rate}. Waits park
 * the thread ({@link LockSupport#parkNanos}): a writer that spins would take a core from the daemon on a small
 * machine, and one that sleeps a fixed time after each row would drift below the rate. A row that is late goes
 * at once, so the schedule catches up. Used by the demo writer, the polling baseline, the benchmark and tests.
 */
public final class Pacer {

    private final long startNanos;
    private final double intervalNanos;
    private long next;

    /** Starting now; a rate of 0 or less does not wait at all. */
    public Pacer(double perSecond) {
        this(perSecond, System.nanoTime());
    }

    /** Starting at {@code startNanos} ({@link System#nanoTime()} time); a rate of 0 or less does not wait. */
    public Pacer(double perSecond, long startNanos) {
        this.startNanos = startNanos;
        this.intervalNanos = perSecond > 0 ? 1e9 / perSecond : 0;
    }

    /** Returns when the next row is due. */
    public void awaitNext() {
        await(next++);
    }

    /** Returns when row {@code index} (counted from 0) is due. */
    public void await(long index) {
        if (intervalNanos == 0) {
            return;
        }
        long wait = startNanos + (long) (index * intervalNanos) - System.nanoTime();
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
    }
}
