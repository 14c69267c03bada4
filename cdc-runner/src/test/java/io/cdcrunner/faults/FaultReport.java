package io.cdcrunner.faults;

/** Prints a fault test's counts on stdout as {@code [fault:<name>] ...}, so a run's results can be grepped. */
final class FaultReport {

    private final String name;

    FaultReport(String name) {
        this.name = name;
    }

    void print(String format, Object... args) {
        // The wall-clock time lines these up with the daemon's log, whose lines carry the same clock.
        System.out.println("[fault:" + name + "] " + java.time.LocalTime.now().withNano(0) + " "
                + String.format(format, args));
        System.out.flush();
    }
}
