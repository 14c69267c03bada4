package io.cdcrunner.metrics;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import io.cdcrunner.processor.ServerFlavor;

/**
 * Reads Debezium's own connector MBeans of one pipeline, by their exact names
 * {@code debezium.<mysql|mariadb>:type=connector-metrics,context=<streaming|snapshot>,server=<pipeline.name>}
 * (Debezium uses the topic prefix, which the daemon sets to {@code pipeline.name}, so they are unique per pipeline).
 */
final class DebeziumMetrics {

    private final MBeanServer server;
    private final Supplier<ServerFlavor> flavor;
    private final String pipeline;

    DebeziumMetrics(MBeanServer server, Supplier<ServerFlavor> flavor, String pipeline) {
        this.server = server;
        this.flavor = flavor;
        this.pipeline = pipeline;
    }

    /** The exact name of one of the connector's metrics MBeans. */
    static ObjectName objectName(ServerFlavor flavor, String context, String pipeline) {
        try {
            return new ObjectName("debezium." + flavor.name().toLowerCase(Locale.ROOT)
                    + ":type=connector-metrics,context=" + context + ",server=" + PipelineMonitoring.quoteIfNeeded(pipeline));
        } catch (JMException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Whether the engine's queue holds events the pipeline has not taken yet; false when unknown. */
    boolean queueHasEvents() {
        Optional<Object> remaining = attribute("streaming", "QueueRemainingCapacity");
        Optional<Object> total = attribute("streaming", "QueueTotalCapacity");
        return remaining.isPresent() && total.isPresent()
                && ((Number) remaining.get()).longValue() < ((Number) total.get()).longValue();
    }

    /** Whether the binlog client is connected; empty when the engine's MBean is not there (starting, restarting). */
    Optional<Boolean> binlogConnected() {
        return attribute("streaming", "Connected").map(Boolean.TRUE::equals);
    }

    /** Whether the connector finished reading its snapshot. */
    boolean snapshotCompleted() {
        return attribute("snapshot", "SnapshotCompleted").map(Boolean.TRUE::equals).orElse(false);
    }

    /** The tables the snapshot reads, as {@code database.table}; empty when unknown. */
    List<String> snapshotTables() {
        return attribute("snapshot", "CapturedTables")
                .map(tables -> List.of((String[]) tables))
                .orElse(List.of());
    }

    private Optional<Object> attribute(String context, String name) {
        ServerFlavor current = flavor.get();
        if (current == null) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(server.getAttribute(objectName(current, context, pipeline), name));
        } catch (JMException | RuntimeException e) {
            // Not registered yet (starting) or already gone (stopping): nothing to report.
            return Optional.empty();
        }
    }
}
