package io.cdcrunner.processor.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.NonRetryableException;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.ProcessorConfig;
import io.cdcrunner.processor.TargetUnavailableException;
import io.cdcrunner.testkit.ChangeEventBuilder;
import io.cdcrunner.testkit.HttpEndpoint;
import io.cdcrunner.testkit.HttpEndpoint.Answer;
import io.cdcrunner.testkit.HttpEndpoint.Request;
import io.cdcrunner.testkit.UnitTest;

/** HttpProcessor against a real HTTP server on loopback: bodies, keys, headers, and what each answer means. */
@UnitTest
class HttpProcessorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEADER_SECRET = "hdr-secret-31";
    private static final String QUERY_SECRET = "q-secret-77";

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
    }

    @Test
    void aGroupIsOneRequestCarryingItsFamilyAndEachEventAsChangeEventJsonWritesIt() throws Exception {
        HttpEndpoint endpoint = endpoint(request -> Answer.of(200));
        HttpProcessor processor = open(endpoint, "/orders", Map.of(), "customer_id");
        List<ChangeEvent> group = List.of(order(1, 42L), order(2, 42L), order(3, 42L));

        processor.processGroup(group);

        Request request = endpoint.requests().get(0);
        assertThat(endpoint.requests()).hasSize(1);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.uri().getPath()).isEqualTo("/orders");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        JsonNode body = JSON.readTree(request.body());
        assertThat(fieldNames(body)).containsExactly("family", "events");
        assertThat(body.get("family").isIntegralNumber()).isTrue();
        assertThat(body.get("family").longValue()).isEqualTo(42L);
        assertThat(body.get("events")).hasSize(3);
        for (int i = 0; i < group.size(); i++) {
            assertThat(body.get("events").get(i)).isEqualTo(JSON.readTree(ChangeEventJson.toJson(group.get(i))));
        }
    }

    @Test
    void aFamilyIsWrittenAsItsEventWritesItAndLeftOutWhereTheRowHasNone() throws Exception {
        HttpEndpoint endpoint = endpoint(request -> Answer.of(200));
        HttpProcessor processor = open(endpoint, "/orders", Map.of(), "customer_id");

        processor.processGroup(List.of(order(1, new BigDecimal("12.50"))));
        processor.processGroup(List.of(order(2, "acme")));
        ChangeEvent truncate = ChangeEventBuilder.of(Operation.TRUNCATE).at(900).build();
        processor.processGroup(List.of(truncate));

        List<Request> requests = endpoint.requests();
        assertThat(JSON.readTree(requests.get(0).body()).get("family").textValue()).isEqualTo("12.50");
        assertThat(JSON.readTree(requests.get(1).body()).get("family").textValue()).isEqualTo("acme");
        JsonNode tableEvent = JSON.readTree(requests.get(2).body());
        assertThat(fieldNames(tableEvent)).containsExactly("events");
        assertThat(tableEvent.get("events").get(0).get("op").textValue()).isEqualTo("TRUNCATE");
        assertThat(requests.get(2).header("Idempotency-Key")).isEqualTo(truncate.eventId());
    }

    @Test
    void withoutAnOrderingColumnAGroupCarriesItsEventsAlone() throws Exception {
        HttpEndpoint endpoint = endpoint(request -> Answer.of(200));
        HttpProcessor processor = open(endpoint, "/orders", Map.of(), null);

        processor.processGroup(List.of(order(1, 42L)));

        assertThat(fieldNames(JSON.readTree(endpoint.requests().get(0).body()))).containsExactly("events");
    }

    @Test
    void theEventBodyPostsEachEventAloneInCommitOrderKeyedByItsId() throws Exception {
        HttpEndpoint endpoint = endpoint(request -> Answer.of(200));
        HttpProcessor processor = open(endpoint, "/orders", Map.of("http.body", "event"), "customer_id");
        List<ChangeEvent> group = List.of(order(1, 42L), order(2, 42L), order(3, 42L));

        processor.processGroup(group);

        List<Request> requests = endpoint.requests();
        assertThat(requests).hasSize(3);
        for (int i = 0; i < group.size(); i++) {
            assertThat(JSON.readTree(requests.get(i).body())).isEqualTo(JSON.readTree(ChangeEventJson.toJson(group.get(i))));
            assertThat(requests.get(i).header("Idempotency-Key")).isEqualTo(group.get(i).eventId());
        }
    }

    @Test
    void inTheEventBodyAFailedEventHoldsBackTheRestOfItsGroup() throws Exception {
        AtomicInteger seen = new AtomicInteger();
        HttpEndpoint endpoint = endpoint(request -> Answer.of(seen.incrementAndGet() == 2 ? 503 : 200));
        HttpProcessor processor = open(endpoint, "/orders", Map.of("http.body", "event"), null);

        assertThatThrownBy(() -> processor.processGroup(List.of(order(1, 42L), order(2, 42L), order(3, 42L))))
                .isInstanceOf(TargetUnavailableException.class);
        assertThat(endpoint.requests()).hasSize(2);
    }

    @Test
    void theSameEventsSentAgainCarryTheSameIdempotencyKeyAndBody() throws Exception {
        AtomicInteger seen = new AtomicInteger();
        HttpEndpoint endpoint = endpoint(request -> Answer.of(seen.incrementAndGet() == 1 ? 503 : 200));
        HttpProcessor processor = open(endpoint, "/orders", Map.of(), "customer_id");

        assertThatThrownBy(() -> processor.processGroup(List.of(order(1, 42L), order(2, 42L))))
                .isInstanceOf(TargetUnavailableException.class);
        // Built anew, as after a crash: the key comes from the events' ids, not from the objects.
        processor.processGroup(List.of(order(1, 42L), order(2, 42L)));
        processor.processGroup(List.of(order(1, 42L), order(3, 42L)));

        List<Request> requests = endpoint.requests();
        String ids = order(1, 42L).eventId() + "\n" + order(2, 42L).eventId();
        assertThat(requests.get(0).header("Idempotency-Key"))
                .isEqualTo(UUID.nameUUIDFromBytes(ids.getBytes(StandardCharsets.UTF_8)).toString())
                .isEqualTo(requests.get(1).header("Idempotency-Key"))
                .isNotEqualTo(requests.get(2).header("Idempotency-Key"));
        assertThat(requests.get(1).body()).isEqualTo(requests.get(0).body());
    }

    @Test
    void configuredHeadersAreSentBesideItsOwn() throws Exception {
        HttpEndpoint endpoint = endpoint(request -> Answer.of(200));
        HttpProcessor processor = open(endpoint, "/orders", Map.of("http.header.Authorization", "Bearer " + HEADER_SECRET,
                "http.header.X-Tenant", "shop"), null);

        processor.processGroup(List.of(order(1, 42L)));

        Request request = endpoint.requests().get(0);
        assertThat(request.header("Authorization")).isEqualTo("Bearer " + HEADER_SECRET);
        assertThat(request.header("X-Tenant")).isEqualTo("shop");
        assertThat(request.header("Idempotency-Key")).isEqualTo(order(1, 42L).eventId());
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 202, 204})
    void every2xxIsSuccess(int status) throws Exception {
        HttpEndpoint endpoint = endpoint(request -> Answer.of(status, status == 204 ? "" : "{\"ok\":true}"));
        HttpProcessor processor = open(endpoint, "/orders", Map.of(), null);

        processor.processGroup(List.of(order(1, 42L)));

        assertThat(endpoint.requests()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 429, 500, 502, 503, 504})
    void notNowAnswersMeanTheTargetIsUnavailable(int status) throws Exception {
        HttpEndpoint endpoint = endpoint(request -> Answer.of(status, "busy"));
        HttpProcessor processor = open(endpoint, "/orders", Map.of(), null);

        Throwable thrown = catchThrowable(() -> processor.processGroup(List.of(order(1, 42L))));

        assertThat(thrown).isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("answered " + status).hasMessageContaining("busy");
        assertThat(((TargetUnavailableException) thrown).retryAfter()).isEmpty();
    }

    @Test
    void aRetryAfterInSecondsIsCarried() throws Exception {
        HttpEndpoint endpoint = endpoint(request -> Answer.of(429).header("Retry-After", "7"));
        HttpProcessor processor = open(endpoint, "/orders", Map.of(), null);

        Throwable thrown = catchThrowable(() -> processor.processGroup(List.of(order(1, 42L))));

        assertThat(thrown).isInstanceOf(TargetUnavailableException.class).hasMessageContaining("429");
        assertThat(((TargetUnavailableException) thrown).retryAfter()).contains(Duration.ofSeconds(7));
    }

    @Test
    void aRetryAfterAsAnHttpDateIsMeasuredFromTheClock() throws Exception {
        Instant now = Instant.parse("2026-01-02T10:00:00Z");
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(120).atZone(ZoneOffset.UTC));
        HttpEndpoint endpoint = endpoint(request -> Answer.of(503).header("Retry-After", date));
        HttpProcessor processor = open(new HttpProcessor(Clock.fixed(now, ZoneOffset.UTC)), endpoint, Map.of());

        Throwable thrown = catchThrowable(() -> processor.processGroup(List.of(order(1, 42L))));

        assertThat(((TargetUnavailableException) thrown).retryAfter()).contains(Duration.ofSeconds(120));
        assertThat(HttpOutcomes.retryAfter("soon", Clock.fixed(now, ZoneOffset.UTC))).isEmpty();
        assertThat(HttpOutcomes.retryAfter(date, Clock.fixed(now.plusSeconds(600), ZoneOffset.UTC)))
                .contains(Duration.ZERO);
    }

    @Test
    void aPortNobodyListensOnMeansTheTargetIsUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        HttpProcessor processor = open(new HttpProcessor(), "http://127.0.0.1:" + closedPort + "/orders", Map.of());

        assertThatThrownBy(() -> processor.processGroup(List.of(order(1, 42L))))
                .isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("POST http://127.0.0.1:" + closedPort + "/orders: cannot connect");
    }

    @Test
    void noAnswerWithinTheRequestTimeoutMeansTheTargetIsUnavailable() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        HttpEndpoint endpoint = endpoint(request -> {
            release.await(30, TimeUnit.SECONDS);
            return Answer.of(200);
        });
        HttpProcessor processor = open(endpoint, "/orders", Map.of("http.request.timeout.ms", "300"), null);
        try {
            assertThatThrownBy(() -> processor.processGroup(List.of(order(1, 42L))))
                    .isInstanceOf(TargetUnavailableException.class)
                    .hasMessageContaining("no answer within processor.http.request.timeout.ms=300");
        } finally {
            release.countDown();
        }
    }

    @Test
    void aServerErrorIsTheTargetBeingUnavailableNamingTheStatusAndBody() throws Exception {
        HttpEndpoint endpoint = endpoint(request -> Answer.of(500, "{\"error\":\"database down\"}"));
        HttpProcessor processor = open(endpoint, "/orders", Map.of(), null);

        assertThatThrownBy(() -> processor.processGroup(List.of(order(1, 42L))))
                .isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("answered 500").hasMessageContaining("{\"error\":\"database down\"}");
    }

    @Test
    void aRedirectIsNotFollowedAndSaysWhereItPoints() throws Exception {
        HttpEndpoint endpoint = endpoint(request -> Answer.of(301).header("Location", "https://new.example/hook?k=v"));
        HttpProcessor processor = open(endpoint, "/orders", Map.of(), null);

        assertThatThrownBy(() -> processor.processGroup(List.of(order(1, 42L))))
                .isNotInstanceOf(TargetUnavailableException.class).isNotInstanceOf(NonRetryableException.class)
                .hasMessageContaining("answered 301: redirects are not followed")
                .hasMessageContaining("https://new.example/hook").hasMessageNotContaining("k=v");
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 409, 422})
    void aRefusalCannotBeRetriedAndNamesStatusUrlAndBody(int status) throws Exception {
        HttpEndpoint endpoint = endpoint(request -> Answer.of(status, "{\"error\":\"amount must be positive\"}"));
        HttpProcessor processor = open(endpoint, "/orders?token=" + QUERY_SECRET, Map.of(), null);

        assertThatThrownBy(() -> processor.processGroup(List.of(order(1, 42L))))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageContaining("POST " + endpoint.uri("/orders") + " answered " + status)
                .hasMessageContaining("{\"error\":\"amount must be positive\"}")
                .hasMessageNotContaining(QUERY_SECRET);
        assertThat(endpoint.requests().get(0).uri().getQuery()).isEqualTo("token=" + QUERY_SECRET);
    }

    @Test
    void aLongBodyIsCutTo2000Characters() throws Exception {
        HttpEndpoint endpoint = endpoint(request -> Answer.of(400, "x".repeat(50_000)));
        HttpProcessor processor = open(endpoint, "/orders", Map.of(), null);

        assertThatThrownBy(() -> processor.processGroup(List.of(order(1, 42L))))
                .hasMessageContaining("x".repeat(2_000) + "... (cut)").hasMessageNotContaining("x".repeat(2_001));
    }

    @Test
    void headerValuesAndTheQueryAreInNoMessage() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Map<String, String> secrets = Map.of("http.header.Authorization", "Bearer " + HEADER_SECRET);
        List<Throwable> thrown = new ArrayList<>();
        for (int status : new int[] {400, 500, 503, 301}) {
            HttpEndpoint endpoint = endpoint(request -> Answer.of(status, "refused"));
            HttpProcessor processor = open(endpoint, "/orders?token=" + QUERY_SECRET, secrets, null);
            thrown.add(catchThrowable(() -> processor.processGroup(List.of(order(1, 42L)))));
        }
        HttpProcessor unreachable = open(new HttpProcessor(),
                "http://127.0.0.1:" + closedPort + "/orders?token=" + QUERY_SECRET, secrets);
        thrown.add(catchThrowable(() -> unreachable.processGroup(List.of(order(1, 42L)))));

        assertThat(thrown).hasSize(5).allSatisfy(e -> assertThat(e).isNotNull()
                .hasMessageNotContaining(HEADER_SECRET).hasMessageNotContaining(QUERY_SECRET));
        assertThat(HttpSettings.from(new ProcessorConfig(Map.of("http.url", "https://h/x?token=" + QUERY_SECRET,
                "http.header.Authorization", HEADER_SECRET))).toString())
                .contains("https://h/x", "Authorization").doesNotContain(HEADER_SECRET, QUERY_SECRET);
    }

    @Test
    void aMissingOrWrongUrlIsRefusedAtOpenNamingTheKeyAndTheFix() {
        assertThatThrownBy(() -> openWith(Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing required key processor.http.url: set it to the http:// or https:// URL");
        assertThatThrownBy(() -> openWith(Map.of("http.url", "ftp://files.example/in")))
                .hasMessageContaining("processor.http.url=ftp://files.example/in must begin with http:// or https://");
        assertThatThrownBy(() -> openWith(Map.of("http.url", "hooks.example/in")))
                .hasMessageContaining("processor.http.url=hooks.example/in must begin with http:// or https://");
        assertThatThrownBy(() -> openWith(Map.of("http.url", "http:///in")))
                .hasMessageContaining("names no host");
        assertThatThrownBy(() -> openWith(Map.of("http.url", "https://hooks example/in")))
                .hasMessageContaining("is not a URL");
        assertThatThrownBy(() -> openWith(Map.of("http.url", "https://bot:pw-secret-5@hooks.example/in")))
                .hasMessageContaining("carries credentials")
                .hasMessageContaining("set processor.http.header.Authorization instead")
                .hasMessageNotContaining("pw-secret-5");
    }

    @Test
    void everyOtherWrongKeyIsReportedInTheSameMessage() {
        Map<String, String> config = new HashMap<>();
        config.put("http.url", "https://hooks.example/in");
        config.put("http.body", "batch");
        config.put("http.connect.timeout.ms", "0");
        config.put("http.request.timeout.ms", "soon");
        config.put("http.header.Host", "other.example");
        config.put("http.header.Content-Type", "text/plain");
        config.put("http.header.X-Token", "tok-secret-9\r\nX-Injected: 1");
        config.put("http.tls.truststore", "/no/such/trust.p12");

        assertThatThrownBy(() -> openWith(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("processor.http.body=batch must be group or event")
                .hasMessageContaining("processor.http.connect.timeout.ms=0 must be at least 1")
                .hasMessageContaining("processor.http.request.timeout.ms=soon is not an integer")
                .hasMessageContaining("processor.http.header.Host: 'Host' is not a header name the HTTP client may set")
                .hasMessageContaining("processor.http.header.Content-Type: HttpProcessor sets Content-Type itself")
                .hasMessageContaining("processor.http.header.X-Token holds a character a header value cannot have")
                .hasMessageContaining("processor.http.tls.truststore=/no/such/trust.p12: no such readable file")
                .hasMessageNotContaining("tok-secret-9");
        assertThatThrownBy(() -> openWith(Map.of("http.url", "https://hooks.example/in",
                "http.tls.truststore.password", "changeit")))
                .hasMessageContaining("processor.http.tls.truststore.password is set but processor.http.tls.truststore "
                        + "is not")
                .hasMessageNotContaining("changeit");
    }

    @Test
    void everyKeyGivenIsReadSoNoneIsReportedUnknown() throws Exception {
        ProcessorConfig config = new ProcessorConfig(Map.of("http.url", "https://hooks.example/in",
                "http.body", "event", "http.header.Authorization", "Bearer x", "http.connect.timeout.ms", "100",
                "http.request.timeout.ms", "200"));
        HttpProcessor processor = new HttpProcessor();
        opened.add(processor);

        processor.open(TestContexts.withoutDatabase("http-keys", config, null));

        assertThat(config.unreadKeys()).isEmpty();
        assertThat(config.readKeys()).contains("http.tls.truststore", "http.tls.truststore.password");
    }

    @Test
    void figuresCountEachRequestAndCloseUnregistersThem() throws Exception {
        AtomicInteger seen = new AtomicInteger();
        HttpEndpoint endpoint = endpoint(request -> Answer.of(switch (seen.incrementAndGet()) {
            case 1 -> 200;
            case 2 -> 503;
            default -> 422;
        }));
        HttpProcessor processor = new HttpProcessor();
        processor.open(TestContexts.withoutDatabase("http-figures", new ProcessorConfig(
                Map.of("http.url", endpoint.uri("/orders?token=" + QUERY_SECRET).toString())), null));
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("cdc.runner:type=Processor,name=http-figures");

        processor.processGroup(List.of(order(1, 42L), order(2, 42L)));
        catchThrowable(() -> processor.processGroup(List.of(order(3, 42L))));
        catchThrowable(() -> processor.processGroup(List.of(order(3, 42L))));

        assertThat(jmx.getAttribute(name, "Target")).isEqualTo(endpoint.uri("/orders").toString());
        assertThat(jmx.getAttribute(name, "MessagesPublished")).isEqualTo(3L);
        assertThat(jmx.getAttribute(name, "MessagesConfirmed")).isEqualTo(1L);
        // A 503 is the endpoint unavailable, not a refusal; the 422 is.
        assertThat(jmx.getAttribute(name, "MessagesRefused")).isEqualTo(1L);
        assertThat(jmx.getAttribute(name, "TargetUnavailable")).isEqualTo(1L);
        assertThat(jmx.getAttribute(name, "EventsDelivered")).isEqualTo(2L);
        assertThat((Double) jmx.getAttribute(name, "RoundTripMaxMillis")).isPositive();
        processor.close();
        processor.close();
        assertThat(jmx.isRegistered(name)).isFalse();
        assertThatThrownBy(() -> processor.processGroup(List.of(order(4, 42L))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not open");
    }

    private HttpEndpoint endpoint(HttpEndpoint.Responder responder) {
        HttpEndpoint endpoint = HttpEndpoint.start(responder);
        opened.add(endpoint);
        return endpoint;
    }

    private HttpProcessor open(HttpEndpoint endpoint, String path, Map<String, String> more, String orderingColumn)
            throws Exception {
        Map<String, String> config = new HashMap<>(more);
        config.put("http.url", endpoint.uri(path).toString());
        HttpProcessor processor = new HttpProcessor();
        opened.add(processor);
        processor.open(TestContexts.withoutDatabase("http-test", new ProcessorConfig(config), orderingColumn));
        return processor;
    }

    private HttpProcessor open(HttpProcessor processor, HttpEndpoint endpoint, Map<String, String> more) {
        return open(processor, endpoint.uri("/orders").toString(), more);
    }

    private HttpProcessor open(HttpProcessor processor, String url, Map<String, String> more) {
        Map<String, String> config = new HashMap<>(more);
        config.put("http.url", url);
        opened.add(processor);
        processor.open(TestContexts.withoutDatabase("http-test", new ProcessorConfig(config), null));
        return processor;
    }

    private void openWith(Map<String, String> config) {
        HttpProcessor processor = new HttpProcessor();
        opened.add(processor);
        processor.open(TestContexts.withoutDatabase("http-test", new ProcessorConfig(config), null));
    }

    private static ChangeEvent order(long id, Object customer) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("customer_id", customer);
        row.put("amount", new BigDecimal("10.00").add(BigDecimal.valueOf(id)));
        return ChangeEventBuilder.insert().key("id", id).after(row).gtidTransaction("0-1-" + (100 + id))
                .transactionEvent(1).at(1_000 + id).committedAt(Instant.parse("2026-01-02T10:00:00Z")).build();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
