package io.cdcrunner.kafka;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.processor.ServerFlavor;

/**
 * A real Kafka cluster in KRaft mode and real Kafka Connect workers in distributed mode, started in this JVM from
 * Kafka's own test harness ({@code EmbeddedConnectCluster}): what a {@code source.type=kafka} pipeline consumes in
 * the tests. The connector is the one {@link ConnectorConfig} describes.
 */
public final class ConnectCluster implements AutoCloseable {

    private static final Duration RUNNING = Duration.ofSeconds(90);

    private final EmbeddedConnectCluster connect;

    private ConnectCluster(EmbeddedConnectCluster connect) {
        this.connect = connect;
    }

    /** {@code brokers} KRaft brokers and {@code workers} Connect workers of one distributed cluster. */
    public static ConnectCluster start(String name, int brokers, int workers) {
        Map<String, String> workerProps = new HashMap<>();
        // A worker that left hands its connector and task to another one after seconds, not the default 5 minutes.
        workerProps.put("scheduled.rebalance.max.delay.ms", "3000");
        workerProps.put("offset.flush.interval.ms", "2000");
        Properties brokerProps = new Properties();
        brokerProps.put("auto.create.topics.enable", "false");
        EmbeddedConnectCluster connect = new EmbeddedConnectCluster.Builder().name(name).numWorkers(workers)
                .numBrokers(brokers).workerProps(workerProps).brokerProps(brokerProps).build();
        connect.start();
        return new ConnectCluster(connect);
    }

    public String bootstrapServers() {
        return connect.kafka().bootstrapServers();
    }

    public EmbeddedConnectCluster connect() {
        return connect;
    }

    /** The Connect REST URL of one worker. */
    public String restUrl() {
        return connect.workers().iterator().next().url().toString();
    }

    /**
     * Creates the connector {@code connector-config} prints for {@code config}, with the source password in place of
     * its placeholder (the workers of this harness have no environment config provider), and waits until its task
     * runs.
     */
    public void deploy(RunnerConfig config, ServerFlavor flavor, String password) {
        deploy(config, flavor, password, Map.of());
    }

    /** {@link #deploy(RunnerConfig, ServerFlavor, String)} with {@code extra} settings added to the connector's. */
    public void deploy(RunnerConfig config, ServerFlavor flavor, String password, Map<String, String> extra) {
        Map<String, String> connector = new HashMap<>(ConnectorConfig.of(config, flavor));
        connector.put("database.password", password);
        connector.putAll(extra);
        connect.configureConnector(config.kafka().connectorName(), connector);
        awaitRunning(config.kafka().connectorName());
    }

    /** Waits until the connector and its one task run. */
    public void awaitRunning(String connector) {
        await().atMost(RUNNING).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .alias("connector " + connector + " and its task running").until(() -> {
                    ConnectorStateInfo status = connect.connectorStatus(connector);
                    return "RUNNING".equals(status.connector().state()) && !status.tasks().isEmpty()
                            && status.tasks().stream().allMatch(t -> "RUNNING".equals(t.state()));
                });
    }

    @Override
    public void close() {
        connect.stop();
    }
}
