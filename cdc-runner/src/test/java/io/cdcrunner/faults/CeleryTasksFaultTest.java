package io.cdcrunner.faults;

import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.cdcrunner.brokers.CeleryWorker;
import io.cdcrunner.brokers.LocalRabbitMq;
import io.cdcrunner.brokers.LocalRedis;
import io.cdcrunner.brokers.ShopApp;
import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.localdb.LocalServer;
import io.cdcrunner.testkit.FaultTest;

/**
 * The original problem end to end, with the reader left in Python: a SQLAlchemy writer inserts orders for a few
 * hundred customers from several threads; the daemon publishes {@code shop.tasks.read_it(customer_id)} through
 * {@code CeleryTaskProcessor} to a real broker; a stock Celery worker runs it, reading the customer's orders from a
 * replica that applies each transaction a second late and writing the customer's summary on the primary. During the
 * run the daemon is SIGKILLed twice and the broker restarted once.
 *
 * <p>Afterwards every summary must equal a SQL recomputation (no family left stale), no task may have read a family
 * without the rows that triggered it (the visibility barrier waited on the replica before publishing), and the
 * number of tasks is reported next to the number of rows. Sizes: {@code -Dcdc.celery.orders} (default
 * {@value #DEFAULT_ORDERS}) over {@value #CUSTOMERS} customers.
 */
@FaultTest
class CeleryTasksFaultTest {

    static final int DEFAULT_ORDERS = 3_000;
    private static final int CUSTOMERS = 300;
    private static final int WRITER_THREADS = 4;
    private static final double ROWS_PER_SECOND = 200;
    private static final String USER = "cdc";
    private static final String PASSWORD = "cdc-celery-secret";

    /** What the daemon logs when an attempt finds the broker down (EventRetries). */
    private static final String UNAVAILABLE = "processor's target unavailable";

    enum Broker { REDIS, RABBITMQ }

    @TempDir
    Path temp;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Broker.class)
    void readItRunsAfterItsRowsAreVisibleAndNoFamilyIsLeftStaleThroughKillsAndABrokerRestart(Broker kind)
            throws Exception {
        int orders = Integer.getInteger("cdc.celery.orders", DEFAULT_ORDERS);
        String name = "celery-" + kind.name().toLowerCase(java.util.Locale.ROOT);
        FaultReport report = new FaultReport(name);
        long started = System.nanoTime();
        try (LocalServer primary = Flavor.MARIADB.builder().start();
             LocalServer replica = primary.startReplica(2, 1);
             BrokerProcess broker = BrokerProcess.start(kind, temp.resolve("broker"))) {
            primary.createCdcUser(USER, PASSWORD);
            ShopApp app = ShopApp.extractTo(temp.resolve("shop"));
            Map<String, String> env = new HashMap<>(ShopApp.brokerEnvironment(broker.url(), null));
            env.put(ShopApp.READ_URL, ShopApp.sqlalchemyUrl(replica));
            env.put(ShopApp.WRITE_URL, ShopApp.sqlalchemyUrl(primary));
            // On Redis, the tasks a worker had fetched but not started when the broker went away stay unacknowledged
            // until this timeout (Celery's default: an hour), then run.
            env.put(ShopApp.VISIBILITY_TIMEOUT, "10");
            try (CeleryWorker worker = CeleryWorker.start(app, "celery", 2, env)) {
                // The worker created the shop schema on the primary before it said it was ready.
                replica.awaitCaughtUpWith(primary, Duration.ofSeconds(30));
                Path stateDir = Files.createDirectories(temp.resolve("state"));
                Path config = FaultDatabase.writeConfig(temp.resolve(name + ".properties"),
                        daemonConfig(primary, replica, broker.url(), stateDir));
                int kills = 0;
                int brokerRestarts = 0;
                try (DaemonProcess daemon = new DaemonProcess(name, config, FaultSteps.logDir(temp, name))) {
                    daemon.start();
                    FaultSteps.awaitStartPosition(daemon, stateDir, Duration.ofSeconds(60));
                    CompletableFuture<String> writer = CompletableFuture.supplyAsync(() -> app.writeOrders(
                            ShopApp.sqlalchemyUrl(primary), CUSTOMERS, orders, WRITER_THREADS, ROWS_PER_SECOND));

                    // Two kills while rows arrive, each followed by a restart; then the broker goes away and back.
                    for (double share : new double[] {0.25, 0.5}) {
                        awaitRowsWritten(primary, (long) (orders * share), writer);
                        daemon.sigkill();
                        kills++;
                        daemon.start();
                    }
                    awaitRowsWritten(primary, (long) (orders * 0.75), writer);
                    long downSince = System.nanoTime();
                    // Down until the daemon said it waits for the broker: the rows of that time wait too.
                    broker.restart(() -> FaultSteps.awaitWhileAlive(daemon, Duration.ofSeconds(60),
                            "the daemon to find the broker unavailable",
                            () -> daemon.outputText().contains(UNAVAILABLE)));
                    brokerRestarts++;
                    report.print("broker down for %d ms while rows arrived", (System.nanoTime() - downSince) / 1_000_000);

                    String written = writer.get(5, java.util.concurrent.TimeUnit.MINUTES);
                    report.print("writer: %s", written.replaceAll(", \"counts\".*", "}"));
                    long settleStart = System.nanoTime();
                    FaultSteps.awaitWhileAlive(daemon, Duration.ofSeconds(120),
                            "every customer's summary to equal SQL", () -> mismatches(primary).isEmpty());
                    long settleMillis = (System.nanoTime() - settleStart) / 1_000_000;
                    FaultSteps.stopCleanly(daemon);
                    // Every event the daemon read is in a task that ran, or in a task message the broker still holds:
                    // on Redis, tasks a worker had fetched but not started when Redis went away wait in kombu's
                    // unacknowledged hash until Celery's visibility timeout and its next restore pass (up to about
                    // 100 s after it), which this test does not wait for. Wait for the rest to run, or fail below.
                    long inserted = count(primary, "SELECT COUNT(*) FROM shop.orders");
                    try {
                        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                                .until(() -> eventsAccountedFor(primary, broker) == inserted);
                    } catch (org.awaitility.core.ConditionTimeoutException e) {
                        report.print("after 60 s, tasks ran for %d of %d events; the queue holds %d message(s)",
                                eventsTasksRanFor(primary), inserted, broker.queued());
                    }
                    java.util.Set<String> held = broker.heldEventIds();
                    long unaccounted = inserted - eventsAccountedFor(primary, broker);
                    if (unaccounted > 0) {
                        report.print("%d event(s) in no task that ran and no message the broker holds; the worker "
                                + "logged:%n%s", unaccounted, worker.logText().lines()
                                .filter(line -> line.contains("ERROR") || line.contains("raised") || line.contains(
                                        "Error") || line.contains("lost")).limit(40)
                                .collect(java.util.stream.Collectors.joining("\n")));
                    }

                    long rows = count(primary, "SELECT COUNT(*) FROM shop.orders");
                    long families = count(primary, "SELECT COUNT(DISTINCT customer_id) FROM shop.orders");
                    long tasksRun = count(primary, "SELECT COUNT(*) FROM shop.task_runs");
                    long stale = count(primary, "SELECT COUNT(*) FROM shop.task_runs WHERE stale");
                    long received = occurrences(worker.logText(), "Task " + ShopApp.READ_IT + "\\[[^]]+\\] received");
                    long skipped = occurrences(worker.logText(), "'skipped': '");
                    report.print("rows=%d families=%d tasks run=%d (%.1f rows per task) messages received=%d "
                                    + "(of which skipped as already run=%d) stale reads=%d kills=%d broker restarts=%d "
                                    + "summaries equal to SQL %d ms after the last write; events only in messages the "
                                    + "broker still holds=%d; total %d s",
                            rows, families, tasksRun, rows / (double) Math.max(1, tasksRun), received, skipped, stale,
                            kills, brokerRestarts, settleMillis, held.size(),
                            (System.nanoTime() - started) / 1_000_000_000);

                    SoftAssertions soft = new SoftAssertions();
                    soft.assertThat(rows).as("rows the writer inserted").isEqualTo(orders);
                    soft.assertThat(mismatches(primary)).as("customers whose summary differs from SQL").isEmpty();
                    soft.assertThat(stale).as("tasks that read a family without the rows that triggered them")
                            .isZero();
                    soft.assertThat(count(primary, "SELECT COUNT(DISTINCT customer_id) FROM shop.task_runs"))
                            .as("customers a task ran for").isEqualTo(families);
                    soft.assertThat(tasksRun).as("tasks run, each for one family and batch: at most one per row")
                            .isLessThanOrEqualTo(rows);
                    soft.assertThat(daemon.allOutput()).as("the daemon's output of every run")
                            .contains(UNAVAILABLE).doesNotContain(broker.password());
                    // Each order's insert is one event: a task that ran, or a message the broker holds, names it;
                    // else it was lost on the way. On RabbitMQ that is asserted. On Redis it is reported: Celery's
                    // Redis transport pops a message (BRPOP) before it records it as unacknowledged, so a Redis stop
                    // between the two loses a task the daemon saw confirmed (1 event in about 6 runs here); the
                    // family's later task still makes its summary exact, which is asserted above for both.
                    if (kind == Broker.RABBITMQ) {
                        soft.assertThat(eventsAccountedFor(primary, broker))
                                .as("distinct events named by tasks that ran or by messages the broker holds")
                                .isEqualTo(rows);
                    }
                    Path deadLetters = stateDir.resolve("dead-letters.jsonl");
                    soft.assertThat(FaultSteps.absentOrEmpty(deadLetters)).as("dead letters: none, but holds:\n"
                            + FaultSteps.readOrEmpty(deadLetters)).isTrue();
                    soft.assertAll();
                }
            }
        }
    }

    private static Map<String, String> daemonConfig(LocalServer primary, LocalServer replica, String brokerUrl,
                                                    Path stateDir) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("pipeline.name", "shop-celery");
        props.put("source.host", primary.host());
        props.put("source.port", String.valueOf(primary.port()));
        props.put("source.user", USER);
        props.put("source.password", PASSWORD);
        props.put("source.tables", "shop.orders");
        props.put("state.dir", stateDir.toString());
        props.put("state.offset.flush.interval.ms", "1000");
        props.put("engine.poll.interval.ms", "10");
        props.put("shutdown.timeout.ms", "20000");
        props.put("processor.class", "io.cdcrunner.processor.builtin.CeleryTaskProcessor");
        props.put("processor.celery.broker.url", brokerUrl);
        props.put("processor.celery.task", ShopApp.READ_IT);
        props.put("processor.ordering.column", "customer_id");
        props.put("processor.threads", "4");
        // The task reads the replica: the daemon waits until the replica shows the rows before it publishes.
        props.put("processor.read.url", replica.jdbcUrl(""));
        props.put("processor.retry.initial.backoff.ms", "50");
        props.put("processor.retry.max.backoff.ms", "500");
        return props;
    }

    /** Customers whose summary row differs from a recomputation of their orders on the primary, or is missing. */
    private static List<String> mismatches(LocalServer primary) throws SQLException {
        Map<Integer, String> expected = new HashMap<>();
        Map<Integer, String> actual = new HashMap<>();
        try (Connection c = primary.rootConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT customer_id, COUNT(*), SUM(amount), MAX(id) FROM shop.orders "
                    + "GROUP BY customer_id")) {
                while (rs.next()) {
                    expected.put(rs.getInt(1), summary(rs.getLong(2), rs.getBigDecimal(3), rs.getLong(4)));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT customer_id, order_count, amount_sum, max_id "
                    + "FROM shop.customer_summary")) {
                while (rs.next()) {
                    actual.put(rs.getInt(1), summary(rs.getLong(2), rs.getBigDecimal(3), rs.getLong(4)));
                }
            }
        }
        List<String> differing = new ArrayList<>();
        expected.forEach((customer, want) -> {
            if (!Objects.equals(want, actual.get(customer))) {
                differing.add(customer + ": " + actual.get(customer) + " instead of " + want);
            }
        });
        return differing;
    }

    private static String summary(long count, BigDecimal sum, long maxId) {
        return count + " orders, " + sum.stripTrailingZeros().toPlainString() + ", last " + maxId;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /** Distinct events named by a task that ran or by a task message the broker still holds. */
    private static long eventsAccountedFor(LocalServer primary, BrokerProcess broker) throws Exception {
        java.util.Set<String> events = eventIdsTasksRanFor(primary);
        events.addAll(broker.heldEventIds());
        return events.size();
    }

    private static long eventsTasksRanFor(LocalServer primary) throws Exception {
        return eventIdsTasksRanFor(primary).size();
    }

    /** The {@code event_ids} of a Celery task message's body ({@code [args, kwargs, embed]}), base64 as kombu keeps it. */
    static List<String> eventIdsOf(String base64Body) throws java.io.IOException {
        List<String> ids = new ArrayList<>();
        JSON.readTree(java.util.Base64.getDecoder().decode(base64Body)).get(1).path("event_ids")
                .forEach(id -> ids.add(id.asText()));
        return ids;
    }

    /** The distinct event ids in the {@code event_ids} of every task that ran (shop.task_runs.triggering). */
    private static java.util.Set<String> eventIdsTasksRanFor(LocalServer primary) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = JSON;
        java.util.Set<String> events = new java.util.HashSet<>();
        try (Connection c = primary.rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT triggering FROM shop.task_runs WHERE triggering IS NOT NULL")) {
            while (rs.next()) {
                json.readTree(rs.getString(1)).forEach(id -> events.add(id.asText()));
            }
        }
        return events;
    }

    private static void awaitRowsWritten(LocalServer primary, long rows, CompletableFuture<String> writer) {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (writer.isCompletedExceptionally()) {
                writer.join();
            }
            return count(primary, "SELECT COUNT(*) FROM shop.orders") >= rows;
        });
    }

    private static long count(LocalServer server, String sql) throws SQLException {
        try (Connection c = server.rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long occurrences(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        long found = 0;
        while (matcher.find()) {
            found++;
        }
        return found;
    }

    /** The broker of one run: a local Redis (appendonly, fsync always) or RabbitMQ, on a free port. */
    interface BrokerProcess extends AutoCloseable {
        String url();

        /** The password in {@link #url()}: never in the daemon's output. */
        String password();

        /** Messages waiting in the {@code celery} queue. */
        long queued();

        /** The event ids of the task messages the broker holds and no worker has acknowledged (Redis only). */
        java.util.Set<String> heldEventIds() throws java.io.IOException;

        /** Stops the broker, runs {@code whileStopped}, and starts it again on the same port and data. */
        void restart(Runnable whileStopped);

        @Override
        void close();

        static BrokerProcess start(Broker kind, Path dir) {
            return switch (kind) {
                case REDIS -> {
                    LocalRedis redis = LocalRedis.builder().dataDir(dir).password("redis-celery-pw").start();
                    yield new BrokerProcess() {
                        public String url() {
                            return redis.url();
                        }

                        public String password() {
                            return redis.password();
                        }

                        public long queued() {
                            // Waiting in the queue, and fetched by a worker but not acknowledged (kombu's hash).
                            try (var jedis = redis.connect()) {
                                return jedis.llen("celery") + jedis.hlen("unacked");
                            }
                        }

                        public java.util.Set<String> heldEventIds() throws java.io.IOException {
                            java.util.Set<String> ids = new java.util.HashSet<>();
                            try (var jedis = redis.connect()) {
                                for (String queued : jedis.lrange("celery", 0, -1)) {
                                    ids.addAll(eventIdsOf(JSON.readTree(queued).get("body").asText()));
                                }
                                // kombu keeps a fetched message as [message, exchange, routing key].
                                for (String fetched : jedis.hvals("unacked")) {
                                    ids.addAll(eventIdsOf(JSON.readTree(fetched).get(0).get("body").asText()));
                                }
                            }
                            return ids;
                        }

                        public void restart(Runnable whileStopped) {
                            redis.restart(whileStopped);
                        }

                        public void close() {
                            redis.close();
                        }
                    };
                }
                case RABBITMQ -> {
                    LocalRabbitMq rabbit = LocalRabbitMq.builder().dataDir(dir).user("shop", "rabbit-celery-pw")
                            .start();
                    yield new BrokerProcess() {
                        public String url() {
                            return rabbit.url();
                        }

                        public String password() {
                            return rabbit.password();
                        }

                        public long queued() {
                            return rabbit.messageCount("celery");
                        }

                        public java.util.Set<String> heldEventIds() {
                            // RabbitMQ gives unacknowledged messages back to the queue when the connection drops.
                            return java.util.Set.of();
                        }

                        public void restart(Runnable whileStopped) {
                            rabbit.restart(whileStopped);
                        }

                        public void close() {
                            rabbit.close();
                        }
                    };
                }
            };
        }
    }
}
