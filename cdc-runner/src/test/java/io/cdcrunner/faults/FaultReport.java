package io.cdcrunner.faults;

/** Prints a fault test's counts on stdout as {@code [fault:<name>] ...}, so a run's results can be grepped. */
final class FaultReport {

    private final String name;

    FaultReport(String name) {
        this.name = name;
    }

    void print(String format, Object... args) {
        System.out.println("[fault:" + name + "] " + String.format(format, args));
        System.out.flush();
    }
}
