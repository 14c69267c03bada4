package io.cdcrunner.brokers;

import java.time.Duration;

/** Prints how long a broker or worker took, as {@code [brokers] ...} on stdout, so a run's figures can be grepped. */
final class BrokerReport {

    private BrokerReport() {
    }

    static void took(String what, Duration took) {
        System.out.println("[brokers] " + what + ": " + took.toMillis() + " ms");
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
