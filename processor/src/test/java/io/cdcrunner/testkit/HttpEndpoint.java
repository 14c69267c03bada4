package io.cdcrunner.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * A real HTTP (or HTTPS) server on a free loopback port, answering each request as the test's {@link Responder} says
 * and recording it with its answer. Loopback only, so a unit test may use it.
 * <pre>{@code
 * try (HttpEndpoint endpoint = HttpEndpoint.start(request -> Answer.of(503).header("Retry-After", "1"))) {
 *     ... post to endpoint.uri("/events") ...
 *     assertThat(endpoint.requests()).extracting(r -> r.header("Idempotency-Key")) ...
 * }
 * }</pre>
 */
public final class HttpEndpoint implements AutoCloseable {

    /** One request as received, with the answer it got ({@code null} while the responder works on it). */
    public record Request(String method, URI uri, Map<String, String> headers, String body, Answer answer,
                          long receivedNanos) {

        /** The header's first value, whatever the case of its name; {@code null} when absent. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** An answer: a status, a body (JSON or text) and headers. */
    public record Answer(int status, String body, Map<String, String> headers) {

        public static Answer of(int status) {
            return new Answer(status, "", Map.of());
        }

        public static Answer of(int status, String body) {
            return new Answer(status, body, Map.of());
        }

        public Answer header(String name, String value) {
            Map<String, String> more = new TreeMap<>(headers);
            more.put(name, value);
            return new Answer(status, body, more);
        }
    }

    /** Decides each answer; called on the server's threads, several at once. */
    @FunctionalInterface
    public interface Responder {
        Answer answer(Request request) throws Exception;
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Responder responder;

    private HttpEndpoint(HttpServer server, Responder responder) {
        this.server = server;
        this.responder = responder;
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** A plain HTTP endpoint. */
    public static HttpEndpoint start(Responder responder) {
        try {
            return new HttpEndpoint(HttpServer.create(loopback(), 0), responder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An HTTPS endpoint presenting the certificate of {@code tls}'s key manager. */
    public static HttpEndpoint startTls(SSLContext tls, Responder responder) {
        try {
            HttpsServer server = HttpsServer.create(loopback(), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(tls));
            return new HttpEndpoint(server, responder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    /** {@code http(s)://127.0.0.1:<port><pathAndQuery>}. */
    public URI uri(String pathAndQuery) {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery);
    }

    /** The requests answered so far, in the order they were answered. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((name, values) ->
                    headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
            long received = System.nanoTime();
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI(), headers, body, null,
                    received);
            Answer answer;
            try {
                answer = responder.answer(request);
            } catch (Exception e) {
                answer = Answer.of(599, "the test's responder failed: " + e);
            }
            // Recorded before it is sent: a test reads it as soon as its client has the answer.
            requests.add(new Request(request.method(), request.uri(), headers, body, answer, received));
            answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
