package io.cdcrunner.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

/**
 * This JVM's memory while a scenario runs: heap in use (sampled every 20 ms, so the peak includes garbage
 * not yet collected), the heap still in use right after each collection (what the process really holds),
 * and the resident set's high-water mark from {@code /proc/self/status}.
 */
final class MemorySampler implements AutoCloseable {

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final AtomicLong peakUsed = new AtomicLong();
    private final AtomicLong peakCommitted = new AtomicLong();
    private final AtomicLong peakAfterGc = new AtomicLong();
    private final Thread sampler;
    private volatile boolean running = true;

    MemorySampler() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                    var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                    long after = heapAfter(info.getGcInfo().getMemoryUsageAfterGc());
                    peakAfterGc.accumulateAndGet(after, Math::max);
                }
            }, null, null);
        }
        sampler = new Thread(this::sample, "memory-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    private static long heapAfter(Map<String, MemoryUsage> pools) {
        long sum = 0;
        for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage usage = pools.get(pool.getName());
            if (pool.getType() == MemoryType.HEAP && usage != null) {
                sum += usage.getUsed();
            }
        }
        return sum;
    }

    private void sample() {
        while (running) {
            MemoryUsage heap = memory.getHeapMemoryUsage();
            peakUsed.accumulateAndGet(heap.getUsed(), Math::max);
            peakCommitted.accumulateAndGet(heap.getCommitted(), Math::max);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The figures so far, in MiB. */
    Map<String, Object> report() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("heap_max_mb", mb(memory.getHeapMemoryUsage().getMax()));
        r.put("heap_peak_used_mb", mb(peakUsed.get()));
        r.put("heap_peak_committed_mb", mb(peakCommitted.get()));
        r.put("heap_peak_live_after_gc_mb", mb(peakAfterGc.get()));
        r.put("rss_peak_mb", procStatusMb("VmHWM"));
        r.put("rss_now_mb", procStatusMb("VmRSS"));
        return r;
    }

    private static double mb(long bytes) {
        return Math.round(bytes / 1024.0 / 1024.0 * 10) / 10.0;
    }

    private static Object procStatusMb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    long kb = Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
                    return Math.round(kb / 1024.0 * 10) / 10.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: reported as unknown.
        }
        return null;
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
