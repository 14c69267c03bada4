package io.cdcrunner.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a graceful stop. Handling the signals (instead of a JVM shutdown hook)
 * lets {@code main} return its own exit code (0 after a clean stop) rather than 143/130.
 */
final class ShutdownSignals {

    private static final Logger log = LoggerFactory.getLogger(ShutdownSignals.class);
    private static final CountDownLatch done = new CountDownLatch(1);
    private static volatile boolean requested;

    private ShutdownSignals() {
    }

    static void onTermination(Runnable stop) {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> {
                if (requested) {
                    return;
                }
                requested = true;
                log.info("SIG{} received: stopping", signal.getName());
                Thread stopper = new Thread(() -> {
                    try {
                        stop.run();
                    } finally {
                        done.countDown();
                    }
                }, "cdc-shutdown");
                stopper.start();
            });
        }
    }

    /** If a stop was requested, waits for it to finish (it is bounded by shutdown.timeout.ms). */
    static void awaitHandlers() throws InterruptedException {
        if (requested) {
            done.await(5, TimeUnit.MINUTES);
        }
    }
}
