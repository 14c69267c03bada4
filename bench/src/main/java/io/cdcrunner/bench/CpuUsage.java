package io.cdcrunner.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of this process and of its busiest threads. Unlike rates, CPU seconds per event hardly depend on
 * what else the machine runs, and a thread near 100% of the wall time shows what bounds a run.
 */
final class CpuUsage {

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final long startCpu = os.getProcessCpuTime();

    /** Process CPU seconds since this object was made. */
    double processSeconds() {
        return (os.getProcessCpuTime() - startCpu) / 1e9;
    }

    /** CPU nanoseconds of every live thread since it started, by name (digits folded). */
    Map<String, Long> threadNanos() {
        Map<String, Long> byName = new TreeMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpu = threads.getThreadCpuTime(info.getThreadId());
            if (cpu > 0) {
                byName.merge(info.getThreadName().replaceAll("[0-9.:]+", "N"), cpu, Long::sum);
            }
        }
        return byName;
    }

    /** CPU seconds of the live threads that used the most since they started, by name (digits folded). */
    Map<String, Double> busiestThreads(int count) {
        Map<String, Long> byName = threadNanos();
        Map<String, Double> top = new LinkedHashMap<>();
        byName.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(count)
                .forEach(e -> top.put(e.getKey(), Math.round(e.getValue() / 1e7) / 100.0));
        return top;
    }
}
