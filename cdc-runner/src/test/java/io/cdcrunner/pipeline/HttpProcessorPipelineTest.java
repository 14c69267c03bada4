package io.cdcrunner.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.deadletter.DeadLetter;
import io.cdcrunner.deadletter.JsonLinesDeadLetterStore;
import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.processor.builtin.HttpProcessor;
import io.cdcrunner.testdb.LocalTestDatabase;
import io.cdcrunner.testdb.SharedDatabase;
import io.cdcrunner.testkit.DatabaseTest;
import io.cdcrunner.testkit.HttpEndpoint;
import io.cdcrunner.testkit.HttpEndpoint.Answer;
import io.cdcrunner.testkit.HttpEndpoint.Request;

/**
 * The daemon posting a MariaDB table's changes, grouped per customer, to an HTTP endpoint that answers about a third
 * of its requests with 503 or 429 and refuses one row for good: every other row gets through, retried under the same
 * Idempotency-Key, and the refused row alone is a dead letter carrying the endpoint's answer.
 */
@DatabaseTest
class HttpProcessorPipelineTest {

    @RegisterExtension
    static final SharedDatabase SERVER = new SharedDatabase(Flavor.MARIADB);

    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REFUSAL = "{\"error\":\"amount must be positive\"}";
    private static final String HEADER_SECRET = "Bearer hdr-secret-52";
    private static final int WRITERS = 2;
    private static final int ROWS_PER_WRITER = 150;
    private static final int CUSTOMERS = 50;

    @TempDir
    Path temp;

    /** Row ids of the events the endpoint accepted (answered 2xx), and how often. */
    private final Map<Long, AtomicInteger> accepted = new ConcurrentHashMap<>();
    private final Set<String> acceptedEventIds = ConcurrentHashMap.newKeySet();
    private final AtomicInteger answered = new AtomicInteger();

    @Test
    void everyRowButTheRefusedOneGetsThroughBusyAnswersAndTheRefusedRowAloneIsADeadLetter() throws Exception {
        LocalTestDatabase db = SERVER.db();
        db.execute("CREATE DATABASE http_shop", "CREATE TABLE http_shop.orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, "
                + "customer_id INT NOT NULL, amount DECIMAL(12,2) NOT NULL, KEY by_customer (customer_id))");
        Path stateDir = Files.createDirectories(temp.resolve("state"));
        try (HttpEndpoint endpoint = HttpEndpoint.start(this::answer)) {
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("pipeline.name", "http");
            settings.put("source.tables", "http_shop.orders");
            settings.put("engine.poll.interval.ms", "50");
            settings.put("processor.class", HttpProcessor.class.getName());
            settings.put("processor.ordering.column", "customer_id");
            settings.put("processor.threads", "4");
            settings.put("processor.retry.max.attempts", "3");
            settings.put("processor.retry.initial.backoff.ms", "10");
            settings.put("processor.retry.max.backoff.ms", "50");
            settings.put("processor.on.failure", "dead-letter");
            settings.put("processor.http.url", endpoint.uri("/orders?token=tok-secret-3").toString());
            settings.put("processor.http.header.Authorization", HEADER_SECRET);
            long poisonId;
            Set<Long> expected;
            try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, stateDir, settings))) {
                pipeline.start();
                List<Thread> writers = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    int writer = w;
                    Thread thread = new Thread(() -> insertOrders(db, writer), "writer-" + writer);
                    thread.start();
                    writers.add(thread);
                }
                // The refused row shares its statement, and so its group, with two good rows of its customer.
                poisonId = insertWithPoison(db);
                for (Thread writer : writers) {
                    writer.join();
                }
                expected = ids(db);
                expected.remove(poisonId);
                await().atMost(WAIT).until(() -> accepted.keySet().containsAll(expected)
                        && pipeline.counters().delivery().deadLettered() >= 1 || pipeline.state().isFinal());
                assertThat(pipeline.state()).isEqualTo(PipelineState.STREAMING);
            }

            List<DeadLetter> letters;
            try (JsonLinesDeadLetterStore store = JsonLinesDeadLetterStore.openIn(stateDir)) {
                letters = store.list();
            }
            List<Request> requests = endpoint.requests();
            Map<String, List<Request>> byKey = new LinkedHashMap<>();
            requests.forEach(r -> byKey.computeIfAbsent(r.header("Idempotency-Key"), k -> new ArrayList<>()).add(r));
            long busy = requests.stream().filter(r -> r.answer().status() == 503 || r.answer().status() == 429).count();
            long waitAsked = requests.stream().filter(r -> r.answer().headers().containsKey("Retry-After")).count();
            System.out.printf("[http] rows %d, requests %d (503/429: %d, with Retry-After: %d), distinct keys %d, "
                    + "rows accepted more than once %d, dead letters %d%n", expected.size() + 1, requests.size(), busy,
                    waitAsked, byKey.size(), accepted.values().stream().filter(n -> n.get() > 1).count(),
                    letters.size());

            assertThat(accepted.keySet()).as("rows the endpoint accepted").isEqualTo(expected);
            assertThat(acceptedEventIds).as("distinct event ids accepted").hasSize(expected.size());
            assertThat(busy).as("requests answered 503 or 429").isGreaterThan(requests.size() / 10);
            assertThat(waitAsked).as("answers with a Retry-After").isPositive();

            assertThat(letters).as("dead letters").hasSize(1);
            DeadLetter letter = letters.get(0);
            assertThat(letter.event().row().getLong("id")).isEqualTo(poisonId);
            assertThat(letter.errorClass()).isEqualTo("io.cdcrunner.processor.NonRetryableException");
            assertThat(letter.errorMessage()).contains("answered 400", REFUSAL)
                    .doesNotContain("hdr-secret-52", "tok-secret-3");

            // The poison row's group was refused as a whole, then its events went on one by one.
            assertThat(requests).as("a refused group of several events, and the refused event alone")
                    .anySatisfy(r -> assertThat(r.answer().status() == 400 && events(r).size() > 1).isTrue())
                    .anySatisfy(r -> assertThat(r.answer().status() == 400 && events(r).size() == 1).isTrue());
            // A request the endpoint could not take came again under the same key, with the same body, until taken.
            List<String> retried = byKey.entrySet().stream().filter(e -> e.getValue().stream()
                    .anyMatch(r -> r.answer().status() == 503 || r.answer().status() == 429)).map(Map.Entry::getKey)
                    .toList();
            assertThat(retried).as("keys answered 503/429").isNotEmpty();
            for (String key : retried) {
                List<Request> sent = byKey.get(key);
                assertThat(sent).as("requests under key " + key).hasSizeGreaterThan(1)
                        .allSatisfy(r -> assertThat(r.body()).isEqualTo(sent.get(0).body()));
                assertThat(sent.get(sent.size() - 1).answer().status()).as("last answer under key " + key)
                        .isIn(200, 400);
                // Asked to come back in a second, the daemon did not come back sooner.
                for (int i = 1; i < sent.size(); i++) {
                    if ("1".equals(sent.get(i - 1).answer().headers().get("Retry-After"))) {
                        assertThat(Duration.ofNanos(sent.get(i).receivedNanos() - sent.get(i - 1).receivedNanos()))
                                .as("wait after Retry-After: 1 under key " + key)
                                .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
                    }
                }
            }
            // Each customer's rows reached the endpoint in commit order (GTID sequence, event, row), batch after batch.
            Map<Integer, long[]> lastAccepted = new HashMap<>();
            for (Request request : requests) {
                if (request.answer().status() != 200) {
                    continue;
                }
                for (JsonNode event : events(request)) {
                    int customer = event.get("after").get("customer_id").intValue();
                    JsonNode position = event.get("position");
                    long[] at = {Long.parseLong(position.get("gtid").textValue().replaceAll(".*-", "")),
                            position.path("transactionEvent").asLong(), position.get("row").asLong()};
                    long[] before = lastAccepted.put(customer, at);
                    if (before != null) {
                        assertThat(java.util.Arrays.compare(at, before)).as("customer " + customer + ": "
                                + java.util.Arrays.toString(at) + " accepted after " + java.util.Arrays.toString(before))
                                .isPositive();
                    }
                }
            }
        }
    }

    /** Refuses the negative amount for good; of the rest, answers 3 in 10 with 503 or 429, then accepts. */
    private Answer answer(Request request) throws Exception {
        List<JsonNode> events = events(request);
        if (events.stream().anyMatch(e -> e.get("after").get("amount").textValue().startsWith("-"))) {
            return Answer.of(400, REFUSAL);
        }
        int n = answered.incrementAndGet();
        switch (n % 10) {
            case 3, 7:
                return Answer.of(503, "busy");
            case 5:
                // Every other 429 says when to come back: the daemon waits that second on the lane.
                return n % 20 == 5 ? Answer.of(429).header("Retry-After", "1") : Answer.of(429);
            default:
                for (JsonNode event : events) {
                    accepted.computeIfAbsent(event.get("after").get("id").longValue(), id -> new AtomicInteger())
                            .incrementAndGet();
                    acceptedEventIds.add(event.get("eventId").textValue());
                }
                return Answer.of(200);
        }
    }

    private static List<JsonNode> events(Request request) {
        try {
            List<JsonNode> events = new ArrayList<>();
            JSON.readTree(request.body()).get("events").forEach(events::add);
            return events;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void insertOrders(LocalTestDatabase db, int writer) {
        try (Connection c = db.rootConnection();
             PreparedStatement insert = c.prepareStatement(
                     "INSERT INTO http_shop.orders (customer_id, amount) VALUES (?, ?)")) {
            for (int i = 0; i < ROWS_PER_WRITER; i++) {
                insert.setInt(1, (writer * ROWS_PER_WRITER + i) % CUSTOMERS);
                insert.setBigDecimal(2, new java.math.BigDecimal(i + 1).movePointLeft(1));
                insert.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long insertWithPoison(LocalTestDatabase db) throws SQLException {
        try (Connection c = db.rootConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO http_shop.orders (customer_id, amount) VALUES (7, 1.00), (7, -5.00), (7, 2.00)");
            try (ResultSet rs = s.executeQuery("SELECT id FROM http_shop.orders WHERE amount < 0")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Set<Long> ids(LocalTestDatabase db) throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (Connection c = db.rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM http_shop.orders")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }
}
