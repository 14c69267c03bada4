package io.cdcrunner.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The engine settings both the daemon and bare Debezium run with in one scenario, and the daemon's
 * {@code processor.read.visibility} for the runs with the no-op processor (which reads nothing).
 */
record EngineTuning(int pollIntervalMs, int maxBatchSize, int maxQueueSize, String readVisibility) {

    static EngineTuning from(Args args) {
        return new EngineTuning(args.getInt("poll.ms"), args.getInt("batch"), args.getInt("queue"),
                args.get("daemon.processor.read.visibility", "auto"));
    }

    Map<String, Object> toArgs() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("poll.ms", pollIntervalMs);
        args.put("batch", maxBatchSize);
        args.put("queue", maxQueueSize);
        args.put("daemon.processor.read.visibility", readVisibility);
        return args;
    }

    /** The engine settings as printed with a scenario's sizes. */
    Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("poll.interval.ms", pollIntervalMs);
        d.put("max.batch.size", maxBatchSize);
        d.put("max.queue.size", maxQueueSize);
        return d;
    }

    /** The daemon's keys for these settings. */
    Map<String, String> daemonKeys() {
        return Map.of("engine.poll.interval.ms", String.valueOf(pollIntervalMs),
                "engine.max.batch.size", String.valueOf(maxBatchSize),
                "engine.max.queue.size", String.valueOf(maxQueueSize));
    }
}
