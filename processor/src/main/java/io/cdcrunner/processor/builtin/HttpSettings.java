package io.cdcrunner.processor.builtin;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.net.ssl.SSLContext;

import io.cdcrunner.processor.ProcessorConfig;

/**
 * Where and how {@link HttpProcessor} posts, read from its {@code processor.http.*} keys. Every problem is reported in
 * one exception, each naming its key; a header's value and the trust store's password are never part of a message, and
 * a URL is shown without its credentials and query.
 */
final class HttpSettings {

    /** What one request carries: one ordering key's events of a batch, or one event. */
    enum Body {
        GROUP, EVENT
    }

    /** Headers the processor sets itself; the HTTP client refuses others ({@code Host}, {@code Content-Length}...). */
    private static final Set<String> OWN_HEADERS = Set.of("content-type", "idempotency-key");

    final URI url;
    /** {@link #url} without credentials and query: what messages and metrics name. */
    final String target;
    final Body body;
    /** Header name to value; the values are secrets. */
    final Map<String, String> headers;
    /** The context trusting {@code http.tls.truststore}, or empty for the JVM's trust. */
    final Optional<SSLContext> tls;
    final Duration connectTimeout;
    final Duration requestTimeout;

    private HttpSettings(URI url, Body body, Map<String, String> headers, Optional<SSLContext> tls,
                         Duration connectTimeout, Duration requestTimeout) {
        this.url = url;
        this.target = target(url);
        this.body = body;
        this.headers = Collections.unmodifiableMap(headers);
        this.tls = tls;
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
    }

    /**
     * Reads every {@code http.*} key, so none is reported as unknown.
     *
     * @throws IllegalArgumentException naming each key that is missing or wrong, and what it should be
     */
    static HttpSettings from(ProcessorConfig config) {
        List<String> problems = new ArrayList<>();
        URI url = url(problems, config.find(HttpProcessor.URL));
        Body body = body(problems, config.get(HttpProcessor.BODY, "group"));
        Map<String, String> headers = headers(problems, config);
        Optional<SSLContext> tls = TlsTrust.from(config, "http", problems);
        Duration connect = millis(problems, config, HttpProcessor.CONNECT_TIMEOUT, 5_000);
        Duration request = millis(problems, config, HttpProcessor.REQUEST_TIMEOUT, 30_000);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid HttpProcessor configuration: " + String.join("; ", problems));
        }
        return new HttpSettings(url, body, headers, tls, connect, request);
    }

    private static URI url(List<String> problems, Optional<String> value) {
        String key = "processor." + HttpProcessor.URL;
        if (value.isEmpty()) {
            problems.add("missing required key " + key + ": set it to the http:// or https:// URL to POST events to");
            return null;
        }
        URI url;
        try {
            url = new URI(value.get());
        } catch (URISyntaxException e) {
            problems.add(key + "=" + shown(value.get()) + " is not a URL (" + e.getReason()
                    + "): give one such as https://hooks.example.com/orders");
            return null;
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            problems.add(key + "=" + shown(value.get()) + " must begin with http:// or https://");
        } else if (url.getHost() == null) {
            problems.add(key + "=" + shown(value.get()) + " names no host: give one such as https://hooks.example.com/orders");
        } else if (url.getRawUserInfo() != null) {
            problems.add(key + "=" + shown(value.get()) + " carries credentials, which would be shown wherever the URL "
                    + "is: remove them and set processor." + HttpProcessor.HEADER_PREFIX + "Authorization instead");
        } else {
            return url;
        }
        return null;
    }

    private static Body body(List<String> problems, String value) {
        try {
            return Body.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problems.add("processor." + HttpProcessor.BODY + "=" + value + " must be group or event");
            return null;
        }
    }

    private static Map<String, String> headers(List<String> problems, ProcessorConfig config) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String key : config.keys()) {
            if (!key.startsWith(HttpProcessor.HEADER_PREFIX)) {
                continue;
            }
            String name = key.substring(HttpProcessor.HEADER_PREFIX.length());
            Optional<String> value = config.find(key);
            if (value.isEmpty()) {
                problems.add("processor." + key + " is empty: give the header's value or remove the key");
            } else if (OWN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                problems.add("processor." + key + ": HttpProcessor sets " + name + " itself; remove the key");
            } else if (!accepted(name, "x")) {
                problems.add("processor." + key + ": '" + name + "' is not a header name the HTTP client may set");
            } else if (!accepted("X-Check", value.get())) {
                // The value is a secret: say what is wrong with it without showing it.
                problems.add("processor." + key + " holds a character a header value cannot have (a line break?)");
            } else {
                headers.put(name, value.get());
            }
        }
        return headers;
    }

    private static boolean accepted(String name, String value) {
        try {
            HttpRequest.newBuilder().header(name, value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Duration millis(List<String> problems, ProcessorConfig config, String key, int defaultValue) {
        try {
            int value = config.getInt(key, defaultValue);
            if (value >= 1) {
                return Duration.ofMillis(value);
            }
            problems.add("processor." + key + "=" + value + " must be at least 1 (milliseconds)");
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage() + " (milliseconds)");
        }
        return null;
    }

    /** {@code scheme://host[:port]/path}: no credentials, no query, no fragment. */
    static String target(URI url) {
        return url.getScheme().toLowerCase(Locale.ROOT) + "://" + url.getHost()
                + (url.getPort() == -1 ? "" : ":" + url.getPort()) + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    /** A value given as a URL, for a message: credentials masked, query and fragment cut off. */
    private static String shown(String value) {
        String masked = value.replaceAll("//[^/?#]*@", "//***@");
        int cut = masked.indexOf('?') >= 0 ? masked.indexOf('?') : masked.indexOf('#');
        return cut >= 0 ? masked.substring(0, cut) : masked;
    }

    /** Names the target and the headers given, never their values. */
    @Override
    public String toString() {
        return "POST " + body.name().toLowerCase(Locale.ROOT) + " bodies to " + target + " with header(s) "
                + headers.keySet();
    }
}
