package io.cdcrunner.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How changes arrive when {@code source.type=kafka}: the {@code kafka.*} keys. The change topics are written by a
 * Kafka Connect Debezium connector configured as {@code cdc-runner connector-config} prints; several daemons share
 * them as one consumer group.
 *
 * @param bootstrapServers {@code kafka.bootstrap.servers}; empty when the source is the binlog
 * @param groupId          {@code kafka.group.id}, or the pipeline name
 * @param topics           {@code kafka.topics}; empty means {@code topicPattern}
 * @param topicPattern     {@code kafka.topic.pattern}, or the connector's row-change topics
 *                         ({@code <pipeline.name>.<database>.<table>})
 * @param partitions       {@code kafka.topic.partitions}: partitions of each change topic the connector creates, and
 *                         the count its ordering-key routing hashes over
 * @param connectorName    {@code kafka.connector.name}, or the pipeline name
 * @param connectUrl       {@code kafka.connect.url}: the Connect REST API {@code check} compares the connector with
 * @param ledgerRetention  {@code kafka.ledger.retention.ms}: how long ledger entries are kept
 * @param revokeTimeout    {@code kafka.revoke.timeout.ms}: how long a revoked partition's events in progress may take
 * @param client           every {@code kafka.client.*} key, prefix removed: consumer properties (security included)
 */
public record KafkaSettings(String bootstrapServers, String groupId, java.util.List<String> topics,
                            String topicPattern, int partitions, String connectorName, Optional<String> connectUrl,
                            Duration ledgerRetention, Duration revokeTimeout, Map<String, String> client) {

    public KafkaSettings {
        topics = java.util.List.copyOf(topics);
        client = Map.copyOf(client);
    }
}
