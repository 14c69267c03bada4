package io.cdcrunner.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.LoggerFactory;

import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a graceful stop. Handling the signals (instead of a JVM shutdown hook)
 * lets {@code main} return its own exit code (0 after a clean stop) rather than 143/130.
 *
 * <p>{@link #install} comes first in {@code main}, before the configuration is read or anything is logged, so a
 * signal during start-up is a clean stop too: the stop it asks for is remembered, and {@link #onTermination} then
 * tells the caller not to start. (A signal before the JVM reaches {@code main} still ends it with 143: the JVM's own
 * handler is the only one then.)
 */
final class ShutdownSignals {

    private static final CountDownLatch done = new CountDownLatch(1);
    private static boolean installed;
    private static boolean requested;
    private static Runnable stop;

    private ShutdownSignals() {
    }

    /** Handles SIGTERM and SIGINT from now on. Idempotent. */
    static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), ShutdownSignals::received);
        }
    }

    private static void received(Signal signal) {
        Runnable action;
        synchronized (ShutdownSignals.class) {
            if (requested) {
                return;
            }
            requested = true;
            action = stop;
        }
        // Looked up here, not in a static field: installing must not wait for the logging to configure itself.
        LoggerFactory.getLogger(ShutdownSignals.class).info("SIG{} received: stopping", signal.getName());
        if (action == null) {
            done.countDown();
            return;
        }
        Thread stopper = new Thread(() -> {
            try {
                action.run();
            } finally {
                done.countDown();
            }
        }, "cdc-shutdown");
        stopper.start();
    }

    /**
     * Makes a signal run {@code stopAction} (on a thread of its own).
     *
     * @return false if a signal came already (during start-up): the caller stops instead of starting
     */
    static boolean onTermination(Runnable stopAction) {
        install();
        synchronized (ShutdownSignals.class) {
            if (requested) {
                return false;
            }
            stop = stopAction;
            return true;
        }
    }

    /** If a stop was requested, waits for it to finish (it is bounded by shutdown.timeout.ms). */
    static void awaitHandlers() throws InterruptedException {
        boolean wait;
        synchronized (ShutdownSignals.class) {
            wait = requested;
        }
        if (wait) {
            done.await(5, TimeUnit.MINUTES);
        }
    }
}
