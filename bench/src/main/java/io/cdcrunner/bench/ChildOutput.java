package io.cdcrunner.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** What a child process hands back: one JSON object in the file its parent named. */
final class ChildOutput {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ChildOutput() {
    }

    static void write(Path file, Map<String, Object> result) throws IOException {
        result.put("gc", gcSummary());
        JSON.writeValue(file.toFile(), result);
    }

    /** Collections and their total time per collector, since this JVM started. */
    static Map<String, Object> gcSummary() {
        Map<String, Object> gc = new LinkedHashMap<>();
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            gc.put(bean.getName(), Map.of("count", bean.getCollectionCount(), "time_ms", bean.getCollectionTime()));
        }
        return gc;
    }
}
