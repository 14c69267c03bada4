package io.cdcrunner.processor.builtin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.GroupProcessor;
import io.cdcrunner.processor.NonRetryableException;
import io.cdcrunner.processor.ProcessorContext;
import io.cdcrunner.processor.Row;
import io.cdcrunner.processor.TargetUnavailableException;

/**
 * POSTs the change events as JSON to an HTTP endpoint (a webhook, a service's ingest API), and returns once the
 * endpoint has answered 2xx.
 *
 * <h2>Body</h2>
 * With {@code processor.http.body=group} (the default) one request carries one ordering key's events of a batch, in
 * commit order: {@code {"family":<value>,"events":[<event>,...]}}, each event in {@link ChangeEventJson}'s form.
 * {@code family} is the value of {@code processor.ordering.column} in the events' row (a JSON number or string, as the
 * event writes it), left out when that column is unset or the events have none (another table, a TRUNCATE or DROP).
 * With {@code event} each event is one request whose body is the event itself; a group's events are sent one after
 * the other in commit order, each answered before the next is sent.
 *
 * <h2>Headers</h2>
 * {@code Content-Type: application/json}, and {@code Idempotency-Key}: a single event's {@link ChangeEvent#eventId()},
 * or for a group of several events the name-based UUID ({@link UUID#nameUUIDFromBytes}, version 3) of their event ids
 * joined by {@code \n} in order: the same events sent again, after a retry or a crash, carry the same key. Each
 * {@code processor.http.header.<Name>=<value>} adds a header, e.g. {@code processor.http.header.Authorization=Bearer
 * ...}; the values are secrets, masked by the daemon and never part of a message of this processor.
 *
 * <h2>Answers</h2>
 * <table>
 *   <caption>What each answer means</caption>
 *   <tr><th>Answer</th><th>Thrown</th><th>What the daemon does</th></tr>
 *   <tr><td>2xx</td><td>nothing</td><td>the events are done</td></tr>
 *   <tr><td>408, 429, every 5xx; no connection, a TLS handshake that failed, no answer within
 *       {@code processor.http.request.timeout.ms}</td><td>{@link TargetUnavailableException}, with the Retry-After
 *       (seconds or an HTTP-date) when given</td><td>retries without limit, no sooner than the Retry-After (one over 5
 *       minutes counts as 5) or with backoff; never dead-letters. An endpoint that answers 5xx for a row it can never
 *       take holds that row's lane: answer 4xx for it</td></tr>
 *   <tr><td>3xx (redirects are not followed)</td><td>a plain exception naming the status and where it
 *       points</td><td>retries up to {@code processor.retry.max.attempts}, then {@code processor.on.failure}</td></tr>
 *   <tr><td>other 4xx (400, 401, 403, 404, 409, 422...)</td><td>{@link NonRetryableException} naming the status, the
 *       URL (without credentials and query) and the first 2,000 characters of the body</td><td>a group goes on event
 *       by event; an event is dead-lettered with that message (or halts)</td></tr>
 * </table>
 *
 * <h2>Order and delivery</h2>
 * The daemon hands over one key's groups in commit order on one lane, and a group returns only once answered, so a
 * key's events reach the endpoint in commit order: a batch's request is answered before the next batch's of the same
 * key is sent. Keys on different lanes are sent at the same time. Delivery is at least once: a request whose answer
 * was lost, a group retried after one of its events failed in {@code event} form, and the events since the last
 * recorded position after a crash are sent again. A crash can also regroup events, so a receiver deduplicates by the
 * events' {@code eventId} where a group's key differs.
 *
 * <h2>Keys</h2>
 * {@code processor.http.url} (required, {@code http://} or {@code https://}, no credentials in it);
 * {@code processor.http.body} ({@code group} or {@code event}); {@code processor.http.header.<Name>};
 * {@code processor.http.tls.truststore} (a PKCS12 or JKS file holding the CA of a private server certificate; the
 * JVM's trusted CAs otherwise) and {@code processor.http.tls.truststore.password};
 * {@code processor.http.connect.timeout.ms} (5000) and {@code processor.http.request.timeout.ms} (30000). Figures are
 * in JMX ({@link DeliveryFiguresMXBean}). Thread-safe.
 */
public final class HttpProcessor implements GroupProcessor {

    /** {@code http.url}: where to POST. */
    public static final String URL = "http.url";
    /** {@code http.body}: {@code group} or {@code event}. */
    public static final String BODY = "http.body";
    /** {@code http.header.<Name>}: a header to send. */
    public static final String HEADER_PREFIX = "http.header.";
    /** {@code http.tls.truststore}: a PKCS12 or JKS trust store. */
    public static final String TRUSTSTORE = "http.tls.truststore";
    /** {@code http.tls.truststore.password}. */
    public static final String TRUSTSTORE_PASSWORD = "http.tls.truststore.password";
    /** {@code http.connect.timeout.ms}. */
    public static final String CONNECT_TIMEOUT = "http.connect.timeout.ms";
    /** {@code http.request.timeout.ms}. */
    public static final String REQUEST_TIMEOUT = "http.request.timeout.ms";

    private static final Logger log = LoggerFactory.getLogger(HttpProcessor.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock;
    private HttpSettings settings;
    private String familyColumn;
    private ExecutorService clientThreads;
    private volatile HttpClient client;
    private DeliveryFigures figures;

    /** Created by the daemon, configured in {@link #open}. */
    public HttpProcessor() {
        this(Clock.systemUTC());
    }

    /** With the clock an HTTP-date Retry-After is measured from. */
    HttpProcessor(Clock clock) {
        this.clock = clock;
    }

    /**
     * Reads and checks the configuration and registers the figures; sends nothing.
     *
     * @throws IllegalArgumentException naming each key that is missing or wrong, or a trust store that cannot be read
     */
    @Override
    public void open(ProcessorContext context) {
        settings = HttpSettings.from(context.config());
        familyColumn = context.orderingColumn().orElse(null);
        AtomicInteger threads = new AtomicInteger();
        clientThreads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "http-processor-" + context.pipelineName() + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        HttpClient.Builder builder = HttpClient.newBuilder()
                // HTTP/1.1: a cleartext HTTP/2 upgrade is refused by some proxies, and a lane sends one request at a time.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(clientThreads);
        settings.tls.ifPresent(builder::sslContext);
        figures = DeliveryFigures.register(context.pipelineName(), settings.target);
        client = builder.build();
        log.info("{}{}", settings, settings.tls.isPresent() ? ", trusting processor." + TRUSTSTORE : "");
    }

    /** Sends the events as one request, or one request per event (see the class documentation). */
    @Override
    public void processGroup(List<ChangeEvent> events) throws InterruptedException {
        if (settings.body == HttpSettings.Body.EVENT) {
            for (ChangeEvent event : events) {
                post(ChangeEventJson.toTree(event), event.eventId(), 1);
            }
        } else {
            post(groupBody(events), idempotencyKey(events), events.size());
        }
    }

    /** A single event's id; for several, the version-3 UUID of their ids joined by {@code \n}. */
    static String idempotencyKey(List<ChangeEvent> events) {
        if (events.size() == 1) {
            return events.get(0).eventId();
        }
        String ids = events.stream().map(ChangeEvent::eventId).collect(Collectors.joining("\n"));
        return UUID.nameUUIDFromBytes(ids.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private ObjectNode groupBody(List<ChangeEvent> events) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        // One ordering key per group: the first event's row holds the value all of them share.
        Row row = events.get(0).row();
        if (familyColumn != null && row.has(familyColumn)) {
            body.set("family", ChangeEventJson.value(row.get(familyColumn)));
        }
        ArrayNode array = body.putArray("events");
        events.forEach(event -> array.add(ChangeEventJson.toTree(event)));
        return body;
    }

    private void post(ObjectNode body, String idempotencyKey, int changeEvents) throws InterruptedException {
        HttpClient open = client;
        if (open == null) {
            throw new IllegalStateException("HttpProcessor is not open");
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.url)
                .timeout(settings.requestTimeout)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(body)));
        settings.headers.forEach(request::header);
        figures.published(1);
        long sent = System.nanoTime();
        HttpResponse<String> response = send(open, request.build());
        int status = response.statusCode();
        if (status / 100 == 2) {
            figures.confirmed(1, System.nanoTime() - sent);
            figures.delivered(changeEvents);
            return;
        }
        if (HttpOutcomes.isUnavailable(status)) {
            figures.unavailable();
        } else {
            figures.refused(1);
        }
        throw HttpOutcomes.forStatus(settings.target, status, response.headers(), response.body(), clock);
    }

    private HttpResponse<String> send(HttpClient open, HttpRequest request) throws InterruptedException {
        CompletableFuture<HttpResponse<String>> answer = open.sendAsync(request, HttpOutcomes.bodyExcerpt());
        try {
            // The request timeout ends the wait for the answer's headers; this bound covers the connection and a body
            // that never ends too.
            return answer.get(settings.connectTimeout.plus(settings.requestTimeout).toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof IOException failure)) {
                throw new IllegalStateException("POST " + settings.target + " failed: " + e.getCause(), e.getCause());
            }
            figures.unavailable();
            throw HttpOutcomes.forFailure(settings.target, failure, settings);
        } catch (TimeoutException e) {
            answer.cancel(true);
            figures.unavailable();
            throw HttpOutcomes.forFailure(settings.target, e, settings);
        } catch (InterruptedException e) {
            answer.cancel(true);
            throw e;
        }
    }

    private static byte[] bytes(ObjectNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write the request body: " + e.getOriginalMessage(), e);
        }
    }

    /** Unregisters the figures and stops the client's threads. Idempotent. */
    @Override
    public void close() {
        client = null;
        if (figures != null) {
            figures.close();
        }
        if (clientThreads != null) {
            // Java 17's HttpClient has no close(): its selector thread ends once the client is unreachable.
            clientThreads.shutdownNow();
        }
    }
}
