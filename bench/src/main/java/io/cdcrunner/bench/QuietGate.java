package io.cdcrunner.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Waits, before each measurement, until the machine is idle: other programs' CPU use distorts latency and
 * throughput on a 2-core machine far more than anything measured here. Idle means less than
 * {@code maxBusyCores} of CPU in use over one second (between runs the benchmark itself is idle). The waits
 * of a whole benchmark share a budget of {@code budgetSeconds}, so the run still ends in time; once it is
 * spent a run starts anyway and says so. The busy figure seen last is reported with the run.
 */
final class QuietGate {

    private final double maxBusyCores;
    private final PrintStream out;
    private long budgetNanos;

    QuietGate(double maxBusyCores, int budgetSeconds, PrintStream out) {
        this.maxBusyCores = maxBusyCores;
        this.budgetNanos = budgetSeconds * 1_000_000_000L;
        this.out = out;
    }

    /** Returns the cores in use in the last second before the run started. */
    double await() throws InterruptedException {
        long started = System.nanoTime();
        long deadline = started + budgetNanos;
        double busy = busyCores();
        boolean told = false;
        while (busy > maxBusyCores && System.nanoTime() < deadline) {
            if (!told) {
                out.printf("  waiting for the machine to be idle (%.1f cores busy with other work) ...%n", busy);
                told = true;
            }
            busy = busyCores();
        }
        if (told) {
            budgetNanos = Math.max(0, budgetNanos - (System.nanoTime() - started));
        }
        if (busy > maxBusyCores) {
            out.printf("  WARNING: starting while %.1f cores are busy with other work; figures are disturbed%n", busy);
        }
        return Math.round(busy * 100) / 100.0;
    }

    /** Cores in use, all programs together, over one second (from /proc/stat; 0 where it is missing). */
    static double busyCores() throws InterruptedException {
        long[] before = cpuTicks();
        Thread.sleep(1_000);
        long[] after = cpuTicks();
        long total = after[0] - before[0];
        long idle = after[1] - before[1];
        if (total <= 0) {
            return 0;
        }
        return (double) (total - idle) / total * Runtime.getRuntime().availableProcessors();
    }

    /** {total, idle} jiffies of all CPUs. */
    private static long[] cpuTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            // idle + iowait
            return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }
}
