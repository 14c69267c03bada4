package io.cdcrunner.processor.builtin;

import java.net.URI;
import java.util.List;

/**
 * Where {@link CeleryTaskProcessor} puts its task messages: the Redis list or RabbitMQ queue a Celery worker consumes.
 * Implementations are thread-safe: the daemon's lanes publish at the same time.
 */
interface CeleryBroker extends AutoCloseable {

    /**
     * Puts {@code messages} on the queue, in order, and returns once the broker confirmed every one of them.
     *
     * @throws io.cdcrunner.processor.TargetUnavailableException when the broker cannot be reached or does not answer
     * @throws Refused when the broker answered that it did not take a message
     */
    void publish(List<CeleryMessage> messages);

    /** Where the messages go, without credentials: {@code redis://127.0.0.1:6379/0 queue celery}. */
    String describe();

    /** Connects now, so a wrong address or login shows at start; a broker that is down is not an error here. */
    void connect();

    @Override
    void close();

    /** The broker refused a message (an error reply, a message no queue took): retried, then dead-lettered. */
    final class Refused extends RuntimeException {
        Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The broker for a {@code processor.celery.broker.url}. */
    static CeleryBroker of(URI url, String queue, TlsSettings tls, int connectTimeoutMillis, int confirmTimeoutMillis) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
        return switch (scheme) {
            case "redis", "rediss" -> new RedisBroker(url, queue, tls, connectTimeoutMillis, confirmTimeoutMillis);
            case "amqp", "amqps" -> new AmqpBroker(url, queue, tls, connectTimeoutMillis, confirmTimeoutMillis);
            default -> throw new IllegalArgumentException("processor.celery.broker.url has scheme '" + scheme
                    + "': use redis://, rediss:// (Redis with TLS), amqp:// or amqps:// (RabbitMQ with TLS)");
        };
    }

    /** The TLS trust of a broker connection: the JVM's default when {@code context} is {@code null}. */
    record TlsSettings(javax.net.ssl.SSLContext context) {
    }

    /**
     * Throws when {@code error} is a failed TLS handshake: a certificate the trust store does not vouch for, or a
     * host name it was not issued to, is the configuration's fault and shows at start, not as a broker that is down.
     */
    static void failOnTls(Throwable error, String describe) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) {
                throw new IllegalArgumentException("the TLS handshake with " + describe + " failed: " + t.getMessage()
                        + "; trust the broker's CA with processor.celery.tls.truststore (and .password), and use the "
                        + "host name its certificate names", error);
            }
        }
    }

    /** {@code url} without its user and password, for logs and JMX. */
    static String withoutCredentials(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "")
                + (url.getRawPath() == null ? "" : url.getRawPath());
    }
}
