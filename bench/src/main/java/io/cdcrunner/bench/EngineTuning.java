package io.cdcrunner.bench;

import java.util.Map;

/** The engine settings both the daemon and bare Debezium run with in one scenario. */
record EngineTuning(int pollIntervalMs, int maxBatchSize, int maxQueueSize) {

    static EngineTuning from(Args args) {
        return new EngineTuning(args.getInt("poll.ms"), args.getInt("batch"), args.getInt("queue"));
    }

    Map<String, Object> toArgs() {
        return Map.of("poll.ms", pollIntervalMs, "batch", maxBatchSize, "queue", maxQueueSize);
    }

    /** The daemon's keys for these settings. */
    Map<String, String> daemonKeys() {
        return Map.of("engine.poll.interval.ms", String.valueOf(pollIntervalMs),
                "engine.max.batch.size", String.valueOf(maxBatchSize),
                "engine.max.queue.size", String.valueOf(maxQueueSize));
    }
}
