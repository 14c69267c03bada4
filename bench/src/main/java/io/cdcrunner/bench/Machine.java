package io.cdcrunner.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The facts a reader needs to compare figures between machines. */
record Machine(int cpus, String cpuModel, long memoryMb, String os, String jvm, String mariaDb) {

    static Machine describe(String mariaDbVersion) {
        return new Machine(Runtime.getRuntime().availableProcessors(), readCpuModel(), readMemoryMb(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                mariaDbVersion);
    }

    /** The 1-, 5- and 15-minute load averages, e.g. "0.42 0.61 0.70". */
    static String load() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    String oneLine() {
        return String.format("%d CPUs (%s), %,d MB RAM, %s, %s, MariaDB %s", cpus, cpuModel, memoryMb, os, jvm, mariaDb);
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nproc", cpus);
        m.put("cpu", cpuModel);
        m.put("memory_mb", memoryMb);
        m.put("os", os);
        m.put("jvm", jvm);
        m.put("mariadb", mariaDb);
        return m;
    }

    private static String readCpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // Not Linux.
        }
        return System.getProperty("os.arch");
    }

    private static long readMemoryMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux.
        }
        return -1;
    }
}
