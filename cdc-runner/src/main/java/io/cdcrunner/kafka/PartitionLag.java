package io.cdcrunner.kafka;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the consumer knows of how far behind it is and whether it reaches a broker: each owned partition's lag
 * (records behind the end) and, read once a second from the consumer's metrics, whether it holds a broker
 * connection. Updated on the poll thread after each poll; read by {@code status} on any thread.
 */
final class PartitionLag {

    private static final Logger log = LoggerFactory.getLogger(PartitionLag.class);
    private static final long METRICS_EVERY_NANOS = 1_000_000_000L;

    private final Map<TopicPartition, Long> lag = new ConcurrentHashMap<>();
    private volatile boolean reachable;
    /** Poll thread only. */
    private long metricsReadAt;

    void update(Consumer<?, ?> consumer, Set<TopicPartition> owned) {
        for (TopicPartition partition : owned) {
            try {
                consumer.currentLag(partition).ifPresent(l -> lag.put(partition, l));
            } catch (WakeupException e) {
                throw e;
            } catch (KafkaException e) {
                // Unknown lag asks the broker for the end offset with a zero timeout, which throws a
                // TimeoutException while no broker answers (a broker restart): the lag stays unknown this time.
                log.debug("lag of {} unknown: {}", partition, e.toString());
            }
        }
        lag.keySet().retainAll(owned);
        long now = System.nanoTime();
        if (now - metricsReadAt >= METRICS_EVERY_NANOS) {
            metricsReadAt = now;
            reachable = consumer.metrics().entrySet().stream()
                    .filter(e -> e.getKey().name().equals("connection-count")
                            && e.getKey().group().equals("consumer-metrics"))
                    .anyMatch(e -> e.getValue().metricValue() instanceof Double count && count > 0);
        }
    }

    /** Whether the consumer held a broker connection when its metrics were last read. */
    boolean reachable() {
        return reachable;
    }

    /** The records of the owned partitions not yet read, as far as known. */
    long backlog() {
        return lag.values().stream().mapToLong(l -> Math.max(0, l)).sum();
    }

    /** A partition's lag, {@code -1} until known. */
    long of(TopicPartition partition) {
        return lag.getOrDefault(partition, -1L);
    }
}
