package io.cdcrunner.delivery;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Holds the pipeline before its next batch while an operator has paused it (JMX operation {@code pause}). Events
 * already being processed finish; nothing new starts until {@link #resume()}. While paused the engine's queue fills
 * and the binlog reader waits: nothing is lost, the source keeps the binlog.
 */
public final class PauseGate {

    // A stop must never wait for a resume: waiters look at the stop flag at least this often.
    private static final long STOP_CHECK_MILLIS = 100;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition opened = lock.newCondition();
    private boolean paused;

    /** Stops new batches from starting; returns at once. */
    public void pause() {
        lock.lock();
        try {
            paused = true;
        } finally {
            lock.unlock();
        }
    }

    /** Lets batches run again. */
    public void resume() {
        lock.lock();
        try {
            paused = false;
            opened.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public boolean isPaused() {
        lock.lock();
        try {
            return paused;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns when the gate is open or {@code stopping} says the pipeline is stopping.
     *
     * @return true if the caller may go on, false if it returned because of a stop
     */
    public boolean awaitOpen(BooleanSupplier stopping) throws InterruptedException {
        lock.lock();
        try {
            while (paused) {
                if (stopping.getAsBoolean()) {
                    return false;
                }
                opened.await(STOP_CHECK_MILLIS, TimeUnit.MILLISECONDS);
            }
            return !stopping.getAsBoolean();
        } finally {
            lock.unlock();
        }
    }
}
