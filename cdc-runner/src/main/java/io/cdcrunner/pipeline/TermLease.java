package io.cdcrunner.pipeline;

import io.cdcrunner.core.SourceStatus;

/**
 * What allows an instance to run a term of its pipeline. A sole instance holds it from the start and never loses it
 * ({@link #sole()}); one of several ({@code ha.enabled}) waits for a lease on the state server, and loses it when its
 * connection there ends or another instance's write fences it.
 */
public interface TermLease {

    /**
     * Waits, standing by, until this instance may run a term.
     *
     * @param onFenced told (once) when a write of the term is refused because another instance took over
     * @return false when {@link #close} ended the waiting
     * @throws Refused when the configuration cannot work (nothing to wait for)
     */
    boolean acquire(Runnable onFenced) throws InterruptedException;

    /** Whether this instance still holds the lease; checked every {@code ha.lease.check.interval.ms} while it runs. */
    boolean held();

    /** Refuses every later write of the term (it is being stepped down from or stopped). */
    void retire();

    /** Gives the lease up for the other instances (retiring the term first). */
    void release();

    /** Stops a waiting {@link #acquire} for good. */
    void close();

    /** Whether other instances wait for this lease: a term that cannot read its source then steps down for them. */
    boolean shared();

    /** The lease held, for the log (" (epoch 3)"); empty for a sole instance. */
    String describe();

    /** What a standing-by instance knows of its server (whether it can reach the state server). */
    SourceStatus standbyStatus();

    /** The configuration cannot work with a lease (the stores elsewhere, a server that cannot hold one). */
    final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message);
        }
    }

    /** The lease of an instance that runs alone: held at once and for good. */
    static TermLease sole() {
        return new TermLease() {
            @Override
            public boolean acquire(Runnable onFenced) {
                return true;
            }

            @Override
            public boolean held() {
                return true;
            }

            @Override
            public void retire() {
            }

            @Override
            public void release() {
            }

            @Override
            public void close() {
            }

            @Override
            public boolean shared() {
                return false;
            }

            @Override
            public String describe() {
                return "";
            }

            @Override
            public SourceStatus standbyStatus() {
                return SourceStatus.UNKNOWN;
            }
        };
    }
}
