package io.cdcrunner.kafka;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import io.cdcrunner.config.KafkaSettings;
import io.cdcrunner.config.RunnerConfig;

/** The Kafka source's consumer properties: the daemon's, then {@code kafka.client.*}, then those the guarantees rest on. */
final class ConsumerProperties {

    private ConsumerProperties() {
    }

    static Map<String, Object> of(RunnerConfig config) {
        KafkaSettings kafka = config.kafka();
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.groupId());
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, config.pipelineName() + "-" + hostName() + "-"
                + ProcessHandle.current().pid());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.engine().maxBatchSize());
        // The connector creates a table's topic with its first change: a pattern subscription sees it within
        // seconds, not the default five minutes.
        properties.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 5_000);
        properties.putAll(kafka.client());
        // The commit rule and the rebalance handling depend on these; kafka.client.* cannot change them.
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // The default list starts with the eager assignor, which revokes every partition at every rebalance.
        properties.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return properties;
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown-host";
        }
    }
}
