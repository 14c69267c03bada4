package io.cdcrunner.brokers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import io.cdcrunner.localdb.LocalMariaDb;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.ProcessorConfig;
import io.cdcrunner.processor.ProcessorContext;
import io.cdcrunner.processor.TargetUnavailableException;
import io.cdcrunner.processor.builtin.CeleryTaskProcessor;
import io.cdcrunner.testkit.ChangeEventBuilder;
import io.cdcrunner.testkit.DatabaseTest;

/**
 * A real Celery worker runs the shop app's tasks through each broker, with and without TLS: published by Celery's own
 * Python client, {@code read_row} records its row, {@code read_it} summarises a customer's orders exactly, marks a
 * read that misses a key as stale, and skips a task id it already ran; published by {@link CeleryTaskProcessor}, every
 * task the broker confirmed runs, with the same task id when published again, over TLS only with the broker's CA
 * trusted, and a message the broker refuses is refused, not taken for a broker that is down.
 */
@DatabaseTest
@ParameterizedClass(name = "{0}")
@EnumSource(CeleryWorkerTest.Broker.class)
class CeleryWorkerTest {

    enum Broker { REDIS, REDIS_TLS, RABBITMQ, RABBITMQ_TLS }

    private static final String QUEUE = "cdc-runner-tasks";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path temp;

    private static LocalMariaDb db;
    private static ShopApp app;
    private static AutoCloseable broker;
    private static CeleryWorker worker;
    private static Map<String, String> env;
    private static String brokerUrl;
    private static TestCertificates certificates;

    @Parameter
    Broker kind;

    @BeforeAll
    static void startDatabaseAndWriteOrders() {
        db = LocalMariaDb.builder().binlog(false).start();
        app = ShopApp.extractTo(temp.resolve("app"));
        String summary = app.writeOrders(ShopApp.sqlalchemyUrl(db), 5, 200, 4, 0);
        assertThat(summary).startsWith("{\"rows\": 200, \"threads\": 4,");
        assertThat(db.queryString("SELECT COUNT(*) FROM shop.orders")).isEqualTo("200");
    }

    @AfterAll
    static void stopDatabase() {
        if (db != null) {
            db.close();
        }
    }

    @BeforeParameterizedClassInvocation
    static void startBrokerAndWorker(Broker kind) {
        TestCertificates tls = kind == Broker.REDIS_TLS || kind == Broker.RABBITMQ_TLS
                ? TestCertificates.create(temp.resolve("certs-" + kind)) : null;
        long start = System.nanoTime();
        String url;
        if (kind == Broker.REDIS || kind == Broker.REDIS_TLS) {
            LocalRedis redis = LocalRedis.builder().password("redis-pw").tls(tls).start();
            url = redis.url();
            broker = redis;
        } else {
            LocalRabbitMq rabbit = LocalRabbitMq.builder().user("celery", "rabbit-pw").tls(tls).start();
            url = rabbit.url();
            broker = rabbit;
        }
        BrokerReport.took(kind + " start", BrokerReport.since(start));
        brokerUrl = url;
        certificates = tls;
        env = new HashMap<>(ShopApp.brokerEnvironment(url, tls));
        env.put(ShopApp.QUEUE, QUEUE);
        env.put(ShopApp.READ_URL, ShopApp.sqlalchemyUrl(db));
        env.put(ShopApp.WRITE_URL, ShopApp.sqlalchemyUrl(db));
        start = System.nanoTime();
        worker = CeleryWorker.start(app, QUEUE, 2, env);
        BrokerReport.took("Celery worker start on " + kind, BrokerReport.since(start));
    }

    @AfterParameterizedClassInvocation
    static void stopWorkerAndBroker() throws Exception {
        if (worker != null) {
            long start = System.nanoTime();
            worker.close();
            BrokerReport.took("Celery worker stop on " + broker.getClass().getSimpleName(), BrokerReport.since(start));
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aTaskPublishedByCeleryItselfRunsAndRecordsItsRow() {
        long rowId = 1000 + kind.ordinal();
        String taskId = publish("from shop.tasks import read_row; print(read_row.delay({'id': " + rowId
                + ", 'customer_id': 3}).id)");

        await().atMost(WAIT).until(() -> query("SELECT row_id, runs FROM shop.row_tasks WHERE task_id = ?", taskId),
                rows -> !rows.isEmpty());
        assertThat(query("SELECT row_id, runs FROM shop.row_tasks WHERE task_id = ?", taskId))
                .containsExactly(List.of(String.valueOf(rowId), "1"));
    }

    @Test
    void readItSummarisesExactlyMarksAMissedKeyStaleAndSkipsATaskIdItAlreadyRan() {
        int customer = 1 + kind.ordinal();
        List<String> expected = query("SELECT COUNT(*), SUM(amount), MAX(id) FROM shop.orders WHERE customer_id = ?",
                String.valueOf(customer)).get(0);
        String taskId = "read-it-" + UUID.randomUUID();
        String readIt = "from shop.tasks import read_it; read_it.apply_async(args=[" + customer + "], "
                + "kwargs={'event_ids': ['e-1'], 'keys': [{'id': " + expected.get(2) + "}], 'lane': 2}, task_id='"
                + taskId + "')";

        publish(readIt);
        publish(readIt);
        // The second delivery of the id has run once the worker logs its result.
        await().atMost(WAIT).until(worker::logText, log -> log.contains("{'skipped': '" + taskId + "'}"));
        assertThat(query("SELECT customer_id, stale, rows_seen, triggering FROM shop.task_runs WHERE task_id = ?",
                taskId)).containsExactly(List.of(String.valueOf(customer), "0", expected.get(0), "[\"e-1\"]"));
        assertThat(query("SELECT order_count, amount_sum, max_id FROM shop.customer_summary WHERE customer_id = ?",
                String.valueOf(customer))).containsExactly(expected);
        assertThat(new BigDecimal(expected.get(1)).scale()).isEqualTo(2);

        String staleTask = "read-it-" + UUID.randomUUID();
        publish("from shop.tasks import read_it; read_it.apply_async(args=[" + customer + "], "
                + "kwargs={'keys': [{'id': 999999}]}, task_id='" + staleTask + "')");
        await().atMost(WAIT).until(() -> query("SELECT stale FROM shop.task_runs WHERE task_id = ?", staleTask),
                rows -> rows.equals(List.of(List.of("1"))));
    }

    @Test
    void everyTaskTheProcessorPublishedRunsAndRunsWithTheSameIdWhenPublishedAgain() throws Exception {
        Map<String, String> config = new HashMap<>(Map.of("celery.broker.url", brokerUrl, "celery.task",
                ShopApp.READ_ROW, "celery.queue", QUEUE, "celery.args", "row"));
        if (certificates != null) {
            // Over TLS the broker's CA must be trusted: the JVM's own trust refuses the handshake at open.
            assertThatThrownBy(() -> open(config).close()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("processor.celery.tls.truststore");
            config.put("celery.tls.truststore", trustStore(certificates).toString());
            config.put("celery.tls.truststore.password", TRUST_STORE_PASSWORD);
        }
        long firstRow = 5_000 + 100L * kind.ordinal();
        List<ChangeEvent> events = new ArrayList<>();
        for (long id = firstRow; id < firstRow + 20; id++) {
            events.add(ChangeEventBuilder.insert().table("shop", "orders").key("id", id)
                    .after(Map.of("id", id, "customer_id", 3, "amount", new BigDecimal("1.50")))
                    .gtid("0-1-" + id).transactionEvent(0).build());
        }
        String range = "row_id BETWEEN " + firstRow + " AND " + (firstRow + 19);
        try (CeleryTaskProcessor processor = open(config)) {
            processor.processGroup(events);
            assertThat(confirmed()).as("messages the broker confirmed").isEqualTo(20);
            await().atMost(WAIT).until(() -> query("SELECT COUNT(*), SUM(runs) FROM shop.row_tasks WHERE " + range
                    + " AND ? = '1'", "1"), rows -> rows.equals(List.of(List.of("20", "20"))));

            // Published again, as after a crash: the same 20 task ids, each delivered a second time.
            processor.processGroup(events);
            await().atMost(WAIT).until(() -> query("SELECT COUNT(*), SUM(runs) FROM shop.row_tasks WHERE " + range
                    + " AND ? = '1'", "1"), rows -> rows.equals(List.of(List.of("20", "40"))));
        }
    }

    @Test
    void aMessageTheBrokerRefusesIsRefusedAndABrokerThatCannotTakeOneNowIsUnavailable() throws Exception {
        String queue = "refusing-" + kind.name().toLowerCase(java.util.Locale.ROOT);
        List<ChangeEvent> event = List.of(ChangeEventBuilder.insert().table("shop", "orders").key("id", 1L)
                .after(Map.of("id", 1L, "customer_id", 3)).build());
        if (broker instanceof LocalRedis redis) {
            try (var jedis = redis.connect(); CeleryTaskProcessor processor = open(config(queue))) {
                // A key of another type: Redis answers LPUSH with WRONGTYPE, about this message's queue.
                jedis.set(queue, "not a list");
                assertThatThrownBy(() -> processor.processGroup(event))
                        .isNotInstanceOf(TargetUnavailableException.class).hasMessageContaining("Redis refused")
                        .hasMessageContaining("WRONGTYPE");
                // Out of memory: Redis cannot take any write now, which is waited out, not dead-lettered.
                jedis.del(queue);
                jedis.configSet("maxmemory", "1");
                try {
                    assertThatThrownBy(() -> processor.processGroup(event))
                            .isInstanceOf(TargetUnavailableException.class).hasMessageContaining("OOM");
                } finally {
                    jedis.configSet("maxmemory", "0");
                }
            }
        } else {
            // A queue that takes no message: RabbitMQ nacks each one, which says nothing about the message.
            try (com.rabbitmq.client.Connection connection = ((LocalRabbitMq) broker).connect();
                 com.rabbitmq.client.Channel channel = connection.createChannel()) {
                channel.queueDeclare(queue, true, false, false,
                        Map.of("x-max-length", 0, "x-overflow", "reject-publish"));
            }
            try (CeleryTaskProcessor processor = open(config(queue))) {
                assertThatThrownBy(() -> processor.processGroup(event))
                        .isInstanceOf(TargetUnavailableException.class).hasMessageContaining("nack");
            }
            // A virtual host that does not exist is the configuration's fault: refused at open.
            Map<String, String> noSuchHost = config(queue);
            noSuchHost.put("celery.broker.url", brokerUrl.replace("/%2F", "/nope"));
            assertThatThrownBy(() -> open(noSuchHost)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("virtual host").hasMessageNotContaining(((LocalRabbitMq) broker).password());
        }
    }

    /** The processor's keys for {@code queue} (trusting the test CA over TLS). */
    private static Map<String, String> config(String queue) throws Exception {
        Map<String, String> config = new HashMap<>(Map.of("celery.broker.url", brokerUrl, "celery.task",
                ShopApp.READ_ROW, "celery.queue", queue, "celery.args", "row"));
        if (certificates != null) {
            config.put("celery.tls.truststore", trustStore(certificates).toString());
            config.put("celery.tls.truststore.password", TRUST_STORE_PASSWORD);
        }
        return config;
    }

    private static final String TRUST_STORE_PASSWORD = "trust-pw";

    /** A PKCS12 trust store holding the test CA, as an operator would make it with keytool. */
    private static Path trustStore(TestCertificates tls) throws Exception {
        Path file = temp.resolve("trust-" + UUID.randomUUID() + ".p12");
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (var pem = java.nio.file.Files.newInputStream(tls.caCertificate())) {
            store.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(pem));
        }
        try (var out = java.nio.file.Files.newOutputStream(file)) {
            store.store(out, TRUST_STORE_PASSWORD.toCharArray());
        }
        return file;
    }

    private static CeleryTaskProcessor open(Map<String, String> values) {
        ProcessorConfig config = new ProcessorConfig(values);
        CeleryTaskProcessor processor = new CeleryTaskProcessor();
        processor.open(new ProcessorContext() {
            @Override
            public String pipelineName() {
                return "celery-brokers";
            }

            @Override
            public ProcessorConfig config() {
                return config;
            }

            @Override
            public javax.sql.DataSource dataSource() {
                throw new AssertionError("the Celery processor needs no database");
            }
        });
        return processor;
    }

    /** What the open processor's JMX figures say the broker confirmed. */
    private static long confirmed() throws Exception {
        return (Long) java.lang.management.ManagementFactory.getPlatformMBeanServer().getAttribute(
                new javax.management.ObjectName("cdc.runner:type=Processor,name=celery-brokers"), "MessagesConfirmed");
    }

    @Test
    void aKilledWorkerAndAStoppedOneLeaveNoProcessBehind() {
        CeleryWorker killed = CeleryWorker.start(app, "other-tasks", 2, env);
        // The main process and its two pool processes carry the worker's name on their command lines.
        assertThat(processesOf(killed)).hasSizeGreaterThanOrEqualTo(3);
        killed.kill();
        assertThat(killed.isRunning()).isFalse();
        await().atMost(WAIT).until(() -> processesOf(killed), List::isEmpty);

        CeleryWorker stopped = CeleryWorker.start(app, "other-tasks", 2, env);
        stopped.stop();
        assertThat(stopped.logText()).contains("Warm shutdown");
        await().atMost(WAIT).until(() -> processesOf(stopped), List::isEmpty);
    }

    private static List<ProcessHandle> processesOf(CeleryWorker worker) {
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().arguments().map(args -> List.of(args).contains(worker.name() + "@%h"))
                        .orElse(false))
                .toList();
    }

    /** Runs Python code that publishes with Celery's client; returns what it printed. */
    private static String publish(String code) {
        return app.python(env, WAIT, "-c", code).strip();
    }

    private static List<List<String>> query(String sql, String parameter) {
        try (Connection c = db.rootConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, parameter);
            try (ResultSet rs = s.executeQuery()) {
                List<List<String>> rows = new ArrayList<>();
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.add(rs.getString(i));
                    }
                    rows.add(row);
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
