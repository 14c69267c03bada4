package io.cdcrunner.testkit;

import io.cdcrunner.core.SourceStatus;
import io.cdcrunner.pipeline.TermLease;

/**
 * A {@link TermLease} a test holds the strings of: it grants the lease (one {@link #acquire} per {@link #grant}),
 * loses it ({@link #held} false), fences a write (the callback {@code acquire} was given), refuses the configuration,
 * and counts what the runner called.
 */
public final class FakeLease implements TermLease {

    private final boolean shared;
    private int grants;
    private String refusal;
    private boolean closed;
    private boolean held;
    private boolean waiting;
    private Runnable onFenced;
    private int acquireCalls;
    private int acquired;
    private int retires;
    private int releases;
    private int closes;
    private long releasedAt;
    private long acquireCalledAt;

    private FakeLease(boolean shared) {
        this.shared = shared;
    }

    /** A lease other instances wait for ({@code ha.enabled}): not granted until the test says so. */
    public static FakeLease withOthers() {
        return new FakeLease(true);
    }

    /** The lease of an instance that runs alone, granted at once. */
    public static FakeLease alone() {
        FakeLease lease = new FakeLease(false);
        lease.grant();
        return lease;
    }

    /** Lets the next {@link #acquire} take the lease. */
    public synchronized void grant() {
        grants++;
        notifyAll();
    }

    /** The next {@link #acquire} throws {@link TermLease.Refused} with this message. */
    public synchronized void refuse(String message) {
        refusal = message;
        notifyAll();
    }

    /** The lease is lost: {@link #held} says false from now on. */
    public synchronized void lose() {
        held = false;
    }

    /** A write of the term was refused by the lease's epoch: the callback given to {@link #acquire} runs. */
    public void fence() {
        Runnable callback;
        synchronized (this) {
            callback = onFenced;
        }
        callback.run();
    }

    @Override
    public synchronized boolean acquire(Runnable fenced) throws InterruptedException {
        acquireCalls++;
        acquireCalledAt = System.nanoTime();
        waiting = true;
        notifyAll();
        try {
            while (grants == 0 && refusal == null && !closed) {
                wait();
            }
        } finally {
            waiting = false;
        }
        if (refusal != null) {
            throw new TermLease.Refused(refusal);
        }
        if (closed) {
            return false;
        }
        grants--;
        acquired++;
        held = true;
        onFenced = fenced;
        return true;
    }

    /** Whether the runner waits in {@link #acquire} now. */
    public synchronized boolean waiting() {
        return waiting;
    }

    @Override
    public synchronized boolean held() {
        return held;
    }

    @Override
    public synchronized void retire() {
        retires++;
    }

    @Override
    public synchronized void release() {
        releases++;
        releasedAt = System.nanoTime();
        held = false;
    }

    @Override
    public synchronized void close() {
        closes++;
        closed = true;
        notifyAll();
    }

    @Override
    public boolean shared() {
        return shared;
    }

    @Override
    public String describe() {
        return shared ? " (fake lease)" : "";
    }

    @Override
    public SourceStatus standbyStatus() {
        return SourceStatus.UNKNOWN;
    }

    /** The time from the last {@link #release} to the last call of {@link #acquire} after it (negative: none yet). */
    public synchronized java.time.Duration lastReleaseToAcquire() {
        return java.time.Duration.ofNanos(acquireCalledAt - releasedAt);
    }

    /** How often the runner called {@link #acquire}. */
    public synchronized int acquireCalls() {
        return acquireCalls;
    }

    /** How often it took the lease. */
    public synchronized int acquired() {
        return acquired;
    }

    public synchronized int retires() {
        return retires;
    }

    public synchronized int releases() {
        return releases;
    }

    public synchronized int closes() {
        return closes;
    }
}
