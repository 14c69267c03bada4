package io.cdcrunner.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.LongStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.cli.CdcRunner;
import io.cdcrunner.pipeline.TestPipelines;
import io.cdcrunner.testdb.LocalTestDatabase;
import io.cdcrunner.testdb.FullSuiteFlavors;
import io.cdcrunner.testkit.KafkaTest;

/**
 * The connector's first start on the Kafka path (issue 23, point 2): a Connect worker process running the connector
 * {@code connector-config --apply} created is SIGKILLed before its first offset flush, rows are written while no
 * worker runs, and a new worker takes the connector over. Every row committed after {@code --apply} must reach the
 * topic: the start position is the connector's before its task first runs, as {@code OffsetSeeder}'s is the embedded
 * engine's.
 */
@KafkaTest
class ConnectorFirstStartTest {

    private static final String PIPELINE = "first";
    private static final String TOPIC = PIPELINE + ".shop.orders";
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Debezium's line when its task connects to the binlog, naming the position it starts at. */
    private static final String STREAMING = "Connected to binlog at";

    @TempDir
    Path temp;

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(FullSuiteFlavors.class)
    void aWorkerKilledBeforeItsFirstOffsetFlushLosesNoRowCommittedAfterApply(Flavor flavor) throws Exception {
        Properties brokerProps = new Properties();
        brokerProps.put("auto.create.topics.enable", "false");
        EmbeddedKafkaCluster kafka = new EmbeddedKafkaCluster(1, brokerProps);
        kafka.start();
        try (LocalTestDatabase db = new LocalTestDatabase(flavor)) {
            db.createCdcUser(TestPipelines.USER, TestPipelines.PASSWORD);
            db.server().execute("CREATE DATABASE shop",
                    "CREATE TABLE shop.orders (id BIGINT PRIMARY KEY, customer_id INT NOT NULL)");
            Path config = TestPipelines.writeProperties(db, Files.createDirectories(temp.resolve("state")), Map.of(
                    "pipeline.name", PIPELINE,
                    "source.type", "kafka",
                    "source.flavor", flavor.name().toLowerCase(java.util.Locale.ROOT),
                    "source.tables", "shop.orders",
                    "source.operations", "insert",
                    "kafka.bootstrap.servers", kafka.bootstrapServers(),
                    "kafka.topic.partitions", "1",
                    "deadletter.store", "io.cdcrunner.deadletter.JdbcDeadLetterStore"));
            // No offset flush on its own during the test: only a clean stop (not a SIGKILL) would commit offsets.
            Map<String, String> worker = Map.of("offset.flush.interval.ms", "600000",
                    "scheduled.rebalance.max.delay.ms", "2000", "session.timeout.ms", "6000",
                    "heartbeat.interval.ms", "2000");
            Map<String, String> env = Map.of("CDC_SOURCE_PASSWORD", TestPipelines.PASSWORD);

            try (ConnectWorkerProcess first = ConnectWorkerProcess.start(temp, "worker-1", kafka.bootstrapServers(),
                    worker, env)) {
                int applied = CdcRunner.execute("connector-config", "--config", config.toString(), "--apply",
                        first.url());
                assertThat(applied).as("connector-config --apply; worker log:\n" + first.tail()).isZero();
                // Committed once --apply returned, perhaps before the task has read anything.
                insert(db, 1, 1);
                awaitStreaming(first);
                insert(db, 2, 2);
                awaitRows(kafka, Set.of(2L), first);
                insert(db, 3, 4);
                first.sigkill();
            }
            insert(db, 5, 7);

            try (ConnectWorkerProcess second = ConnectWorkerProcess.start(temp, "worker-2", kafka.bootstrapServers(),
                    worker, env)) {
                awaitStreaming(second);
                insert(db, 8, 8);
                Set<Long> seen = awaitRows(kafka, Set.of(8L), second);
                assertThat(seen).as("rows in %s after the first worker was killed before its first offset flush"
                        + " (row 1 written as --apply returned, 3-4 before the kill, 5-7 while no worker ran)", TOPIC)
                        .containsAll(LongStream.rangeClosed(1, 8).boxed().toList());
            }
            // Created by Debezium as on a start without offsets (a broker's auto-creation would give it a retention).
            assertThat(retentionMs(kafka, PIPELINE + "-schema-history")).as("the schema history topic's retention.ms")
                    .isEqualTo(Long.MAX_VALUE);
        } finally {
            kafka.stop();
        }
    }

    private static void insert(LocalTestDatabase db, long from, long to) {
        for (long id = from; id <= to; id++) {
            db.server().execute("INSERT INTO shop.orders VALUES (" + id + ", " + (id % 3) + ")");
        }
    }

    /** Waits until the topic holds every id of {@code expected}; returns every id it holds then. */
    private static Set<Long> awaitRows(EmbeddedKafkaCluster kafka, Set<Long> expected, ConnectWorkerProcess worker) {
        Set<Long> seen = new TreeSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            awaitOrShowLog(worker, "ids " + expected + " in " + TOPIC, () -> {
                if (consumer.assignment().isEmpty()) {
                    List<TopicPartition> partitions = consumer.partitionsFor(TOPIC, Duration.ofSeconds(2))
                            .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                    if (partitions.isEmpty()) {
                        return false;
                    }
                    consumer.assign(partitions);
                    consumer.seekToBeginning(partitions);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    seen.add(idOf(record.value()));
                }
                return seen.containsAll(expected);
            });
        }
        return seen;
    }

    private static long retentionMs(EmbeddedKafkaCluster kafka, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            return Long.parseLong(admin.describeConfigs(List.of(resource)).all().get().get(resource)
                    .get("retention.ms").value());
        }
    }

    private static long idOf(byte[] value) throws java.io.IOException {
        JsonNode after = JSON.readTree(value).path("payload").path("after");
        return after.path("id").asLong();
    }

    /** Waits until the worker's task reads the binlog, and prints where it started. */
    private static void awaitStreaming(ConnectWorkerProcess worker) {
        awaitOrShowLog(worker, "the connector's task reading the binlog", () -> !worker.logLines(STREAMING).isEmpty());
        worker.logLines(STREAMING).forEach(line -> System.out.println("[first-start] " + line));
    }

    private static void awaitOrShowLog(ConnectWorkerProcess worker, String what, Callable<Boolean> condition) {
        try {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptionsInstanceOf(org.apache.kafka.common.errors.TimeoutException.class)
                    .alias(what).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "; worker log:\n" + worker.tail(), e);
        }
    }
}
