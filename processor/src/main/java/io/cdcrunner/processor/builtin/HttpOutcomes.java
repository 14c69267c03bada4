package io.cdcrunner.processor.builtin;

import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import io.cdcrunner.processor.NonRetryableException;
import io.cdcrunner.processor.TargetUnavailableException;

/**
 * What an answer, or a failure to get one, means for {@link HttpProcessor}'s events (the outcomes table in its class
 * documentation). Messages name the target without credentials and query, and carry no header value.
 */
final class HttpOutcomes {

    /** The most of a response body a message carries. */
    static final int MAX_BODY_CHARS = 2_000;
    /**
     * Statuses that say "not now" besides every 5xx: the events are fine, the target is busy, or timed out waiting for
     * them. A 5xx is the server's failure, not the events' (a deployment, a database the endpoint lost), so it is
     * waited out too: rows are never dead-lettered for an endpoint that is failing.
     */
    private static final Set<Integer> UNAVAILABLE = Set.of(408, 429);
    /** Enough bytes for {@link #MAX_BODY_CHARS} characters of any UTF-8 text; the rest of a body is discarded. */
    private static final int MAX_BODY_BYTES = 4 * MAX_BODY_CHARS;

    private HttpOutcomes() {
    }

    /** True for the statuses the target answers when it cannot take the request now. */
    static boolean isUnavailable(int status) {
        return UNAVAILABLE.contains(status) || (status >= 500 && status < 600);
    }

    /**
     * The exception for an answer that is not 2xx: unavailable (408, 429, 5xx: retried without limit, after its
     * Retry-After), a refusal the events cannot get past (other 4xx: dead-lettered at once), or a redirect, which is
     * not followed (retried up to the daemon's limit).
     */
    static RuntimeException forStatus(String target, int status, HttpHeaders headers, String body, Clock clock) {
        String answer = "POST " + target + " answered " + status;
        if (isUnavailable(status)) {
            Optional<Duration> wait = headers.firstValue("Retry-After").flatMap(value -> retryAfter(value, clock));
            return new TargetUnavailableException(answer + wait.map(w -> " (Retry-After " + w.toSeconds() + " s)")
                    .orElse("") + ": " + excerpt(body), null, wait.orElse(null));
        }
        if (status >= 400 && status < 500) {
            return new NonRetryableException(answer + ", refusing the request: " + excerpt(body));
        }
        if (status >= 300 && status < 400) {
            String location = headers.firstValue("Location").map(HttpOutcomes::withoutQuery).orElse("none given");
            return new IllegalStateException(answer + ": redirects are not followed; set processor." + HttpProcessor.URL
                    + " to the address it points to (" + location + ")");
        }
        return new IllegalStateException(answer + ": " + excerpt(body));
    }

    /** The exception for a request that got no answer: the target is unreachable or silent, so it is unavailable. */
    static TargetUnavailableException forFailure(String target, Throwable error, HttpSettings settings) {
        String request = "POST " + target;
        if (error instanceof HttpConnectTimeoutException) {
            return unavailable(request + ": no connection within processor." + HttpProcessor.CONNECT_TIMEOUT + "="
                    + settings.connectTimeout.toMillis(), error);
        }
        if (error instanceof HttpTimeoutException || error instanceof TimeoutException) {
            return unavailable(request + ": no answer within processor." + HttpProcessor.REQUEST_TIMEOUT + "="
                    + settings.requestTimeout.toMillis(), error);
        }
        if (error instanceof ConnectException) {
            return unavailable(request + ": cannot connect (" + describe(error) + ")", error);
        }
        if (error instanceof SSLException) {
            return unavailable(request + ": " + tlsFailure(error), error);
        }
        return unavailable(request + ": " + describe(error), error);
    }

    private static TargetUnavailableException unavailable(String message, Throwable cause) {
        return new TargetUnavailableException(message, cause);
    }

    private static String tlsFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof CertPathBuilderException || t instanceof CertificateException) {
                return "TLS handshake failed: the server's certificate is not trusted (" + t.getMessage() + "); if a "
                        + "private CA signed it, set processor." + HttpProcessor.TRUSTSTORE + " to a trust store "
                        + "holding that CA";
            }
        }
        return "TLS handshake failed (" + describe(error) + ")";
    }

    /** The Retry-After value as a wait: delta-seconds, or an HTTP-date from now (zero when past); empty if neither. */
    static Optional<Duration> retryAfter(String value, Clock clock) {
        String text = value.trim();
        if (text.matches("\\d{1,10}")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(text)));
        }
        try {
            Duration wait = Duration.between(clock.instant(),
                    ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** The body's first {@value #MAX_BODY_CHARS} characters, marked when cut. */
    static String excerpt(String body) {
        if (body == null || body.isBlank()) {
            return "(empty body)";
        }
        return body.length() <= MAX_BODY_CHARS ? body : body.substring(0, MAX_BODY_CHARS) + "... (cut)";
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        if (message == null && error.getCause() != null) {
            return describe(error.getCause());
        }
        return message == null ? error.getClass().getSimpleName() : message;
    }

    private static String withoutQuery(String location) {
        String masked = location.replaceAll("//[^/?#]*@", "//");
        int cut = masked.indexOf('?') >= 0 ? masked.indexOf('?') : masked.indexOf('#');
        return cut >= 0 ? masked.substring(0, cut) : masked;
    }

    /**
     * Keeps the first bytes of a response body, enough for a message, and reads the rest without keeping it: an error
     * page of any size costs a few kilobytes.
     */
    static HttpResponse.BodyHandler<String> bodyExcerpt() {
        return info -> new Excerpt();
    }

    private static final class Excerpt implements HttpResponse.BodySubscriber<String> {

        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final CompletableFuture<String> body = new CompletableFuture<>();

        @Override
        public CompletionStage<String> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                int keep = Math.min(buffer.remaining(), MAX_BODY_BYTES - kept.size());
                byte[] bytes = new byte[keep];
                buffer.get(bytes);
                kept.write(bytes, 0, keep);
            }
        }

        @Override
        public void onError(Throwable error) {
            body.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            body.complete(kept.toString(StandardCharsets.UTF_8));
        }
    }
}
