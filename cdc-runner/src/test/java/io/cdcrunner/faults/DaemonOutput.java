package io.cdcrunner.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what the daemon printed: its statistics line, stack traces, and the signatures of features that have
 * not landed yet, so a failing fault test says what is missing rather than only what went wrong.
 */
final class DaemonOutput {

    private static final Pattern STATS = Pattern.compile(
            "stats: processed=(\\d+) duplicates=(\\d+) retried=(\\d+) dead-lettered=(\\d+)");

    private DaemonOutput() {
    }

    /** One {@code stats:} line of the pipeline. */
    record Stats(long processed, long duplicates, long retried, long deadLettered) {

        Stats plus(Stats other) {
            return new Stats(processed + other.processed, duplicates + other.duplicates, retried + other.retried,
                    deadLettered + other.deadLettered);
        }
    }

    /** The last stats line of one run's output, if the pipeline printed one. */
    static Optional<Stats> lastStats(String runOutput) {
        Matcher m = STATS.matcher(runOutput);
        Stats last = null;
        while (m.find()) {
            last = new Stats(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                    Long.parseLong(m.group(4)));
        }
        return Optional.ofNullable(last);
    }

    /**
     * The sum over runs of each run's last stats line (counters restart with each process; a killed run's last
     * periodic line undercounts it). Empty when no run printed one.
     */
    static Optional<Stats> summedStats(List<String> runOutputs) {
        Optional<Stats> sum = Optional.empty();
        for (String run : runOutputs) {
            Optional<Stats> stats = lastStats(run);
            if (stats.isPresent()) {
                sum = Optional.of(sum.map(s -> s.plus(stats.get())).orElse(stats.get()));
            }
        }
        return sum;
    }

    /** Formats a counter, or {@code n/a} when the daemon printed no stats line. */
    static String orNa(Optional<Stats> stats, java.util.function.ToLongFunction<Stats> counter) {
        return stats.map(s -> String.valueOf(counter.applyAsLong(s))).orElse("n/a");
    }

    /** Lines of stack-trace frames ({@code \tat ...}). */
    static long frameLines(String output) {
        return output.lines().filter(l -> l.startsWith("\tat ")).count();
    }

    /** Stack traces printed: runs of frame lines, a {@code Caused by} chain counting as part of its trace. */
    static int stackTraces(String output) {
        int traces = 0;
        boolean inTrace = false;
        for (String line : output.split("\n")) {
            boolean frame = line.startsWith("\tat ") || line.startsWith("\t... ");
            boolean continuation = line.startsWith("Caused by: ") || line.startsWith("\tSuppressed: ")
                    || line.startsWith("\t\tat ") || line.startsWith("\t\t... ") || line.startsWith("\tCaused by: ");
            if (frame && !inTrace) {
                traces++;
                inTrace = true;
            } else if (!frame && !continuation) {
                inTrace = false;
            }
        }
        return traces;
    }

    /**
     * A failure message: what the test expected, the daemon's known-missing-feature signatures found in its
     * output, and the output's tail.
     */
    static String explain(String expectation, String output) {
        List<String> hints = hints(output);
        return expectation
                + (hints.isEmpty() ? "" : "\nLikely cause:\n  - " + String.join("\n  - ", hints))
                + "\n--- daemon output (tail) ---\n" + DaemonProcess.tailOf(output, 60);
    }

    static List<String> hints(String output) {
        List<String> hints = new ArrayList<>();
        if (output.contains("is a TransactionalProcessor: call process(event, transaction)")) {
            hints.add("the pipeline calls EventProcessor.process(event) on a TransactionalProcessor: the "
                    + "processing lanes must deliver through io.cdcrunner.delivery.EventDelivery "
                    + "(transaction + ledger)");
        }
        if (output.contains("cannot connect to the source") && output.contains("cannot start")) {
            hints.add("the daemon gives up when the source is unreachable at start-up: retrying with backoff "
                    + "(source.connect.retry.max.backoff.ms) is not in place");
        }
        if (output.contains("Unmatched argument") || output.contains("Unknown subcommand")
                || output.contains("Unmatched arguments")) {
            hints.add("the CLI does not know this command: `cdc-runner dlq list|show|replay|purge` is not in place");
        }
        if (output.contains("no longer available on the server") || output.contains("purged")) {
            hints.add("the daemon hit the purged binlog; detection that names the position and suggests "
                    + "source.recovery=snapshot, or the snapshot recovery itself, may be missing");
        }
        if ((output.contains("ConcurrentModificationException") && output.contains("sendWindowEvents"))
                || (output.contains("ExecuteSnapshot.arrived")
                && output.contains("Database error while executing incremental snapshot"))) {
            hints.add("a backfill's first chunk was read on the engine's signal thread while its binlog thread "
                    + "released or read a chunk (a ConcurrentModificationException in sendWindowEvents, or a chunk "
                    + "query answered with another query's result set): Debezium runs an execute-snapshot signal of "
                    + "the in-process channel on its SignalProcessor thread, racing the binlog thread over the "
                    + "chunk's window and connection (the race of Debezium's DBZ-8674), and the engine fails");
        }
        if (output.contains("ClassNotFoundException") && output.contains("deadletter")) {
            hints.add("the dead-letter store class (deadletter.store) does not exist yet");
        }
        return hints;
    }
}
