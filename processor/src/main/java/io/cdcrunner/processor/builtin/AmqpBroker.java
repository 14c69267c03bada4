package io.cdcrunner.processor.builtin;

import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLContext;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.ShutdownSignalException;

import io.cdcrunner.processor.TargetUnavailableException;

/**
 * Celery's RabbitMQ transport: each message is published persistent ({@code delivery_mode} 2) through the default
 * exchange to the queue, {@code mandatory}, on a channel in publisher-confirm mode, and counts as delivered only once
 * RabbitMQ acknowledged it. A message RabbitMQ returns (no such queue) is refused; a nack (a full queue) is waited out. The queue is declared
 * durable, as Celery declares it, when it does not exist yet, so no message is dropped before the first worker starts.
 *
 * <p>Channels are not thread-safe: each lane publishes on a channel of its own, over one connection. After a failure
 * the channel, or the whole connection when it was lost, is opened again on the next attempt.
 */
final class AmqpBroker implements CeleryBroker {

    private final String queue;
    private final String describe;
    private final ConnectionFactory factory;
    private final int confirmTimeoutMillis;
    private final String origin = CeleryTaskProcessor.origin();
    private final Map<Thread, Publisher> publishers = new ConcurrentHashMap<>();
    private volatile Connection connection;
    private boolean queueChecked;
    /** Why RabbitMQ blocks the connection's publishers (a resource alarm), or {@code null}. */
    private volatile String blocked;

    AmqpBroker(URI url, String queue, TlsSettings tls, int connectTimeoutMillis, int confirmTimeoutMillis) {
        this.queue = queue;
        this.describe = CeleryBroker.withoutCredentials(url) + " queue " + queue;
        this.confirmTimeoutMillis = confirmTimeoutMillis;
        this.factory = new ConnectionFactory();
        try {
            factory.setUri(withVirtualHost(url));
            if ("amqps".equalsIgnoreCase(url.getScheme())) {
                // setUri trusts every certificate for amqps: verify the chain and the host name instead.
                factory.useSslProtocol(tls.context() != null ? tls.context() : SSLContext.getDefault());
                factory.enableHostnameVerification();
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("processor.celery.broker.url " + describe + " cannot be used: "
                    + e.getMessage(), e);
        }
        factory.setConnectionTimeout(connectTimeoutMillis);
        factory.setHandshakeTimeout(connectTimeoutMillis);
        // The daemon's retries reconnect; the client's own recovery would replay channels behind their back.
        factory.setAutomaticRecoveryEnabled(false);
    }

    /**
     * The URL as RabbitMQ's client reads it, with Celery's spelling of the default virtual host: kombu takes
     * {@code amqp://host//} and {@code amqp://host/} (and no path) for the virtual host {@code /}, which the client
     * refuses or reads as the empty name; both become {@code /%2F}.
     */
    static URI withVirtualHost(URI url) {
        String path = url.getRawPath();
        if (path != null && !path.isEmpty() && !path.equals("/") && !path.equals("//")) {
            return url;
        }
        String text = url.toString();
        int pathStart = text.indexOf('/', text.indexOf("//") + 2);
        int end = text.length();
        for (char stop : new char[] {'?', '#'}) {
            int at = text.indexOf(stop, text.indexOf("//") + 2);
            if (at >= 0) {
                end = Math.min(end, at);
            }
        }
        String head = pathStart < 0 || pathStart > end ? text.substring(0, end) : text.substring(0, pathStart);
        return URI.create(head + "/%2F" + text.substring(end));
    }

    @Override
    public void publish(List<CeleryMessage> messages) {
        Publisher publisher = null;
        try {
            String blockedFor = blocked;
            if (blockedFor != null && connection != null && connection.isOpen()) {
                throw new TargetUnavailableException("RabbitMQ at " + describe + " blocks publishing: " + blockedFor,
                        null);
            }
            publisher = publisher();
            publisher.returned = null;
            for (CeleryMessage message : messages) {
                AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                        .contentType(CeleryMessage.CONTENT_TYPE)
                        .contentEncoding(CeleryMessage.CONTENT_ENCODING)
                        .headers(message.headers(origin))
                        .correlationId(message.id())
                        .deliveryMode(2)
                        .priority(0)
                        .build();
                publisher.channel.basicPublish("", queue, true, properties, message.body());
            }
            if (!publisher.channel.waitForConfirms(confirmTimeoutMillis)) {
                // A nack says nothing about the message: a queue at its length limit, a queue process that failed.
                throw new TargetUnavailableException("RabbitMQ at " + describe + " did not take the task message(s) "
                        + "(nack: a full queue or a failing one)", null);
            }
            if (publisher.returned != null) {
                throw new Refused("RabbitMQ at " + describe + " returned the task message(s): " + publisher.returned
                        + "; the queue does not exist or does not accept them", null);
            }
        } catch (TimeoutException e) {
            drop(publisher);
            throw new TargetUnavailableException("RabbitMQ at " + describe + " did not confirm the task message(s) "
                    + "within " + confirmTimeoutMillis + " ms", e);
        } catch (IOException | ShutdownSignalException e) {
            drop(publisher);
            if (replyCode(e) == AMQP.PRECONDITION_FAILED) {
                // A channel closed for the message itself, e.g. larger than the broker's max_message_size.
                throw new Refused("RabbitMQ at " + describe + " refused the task message(s): " + reason(e), e);
            }
            throw new TargetUnavailableException("RabbitMQ at " + describe + " is unreachable: " + reason(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drop(publisher);
            throw new TargetUnavailableException("interrupted while waiting for RabbitMQ's confirms", e);
        }
    }

    @Override
    public void connect() {
        try {
            connection();
        } catch (PossibleAuthenticationFailureException e) {
            throw new IllegalArgumentException("RabbitMQ at " + describe + " refuses the login: " + e.getMessage()
                    + "; check the user and password in processor.celery.broker.url", e);
        } catch (IOException | ShutdownSignalException e) {
            CeleryBroker.failOnTls(e, describe);
            int code = replyCode(e);
            boolean limit = reason(e).contains("limit");
            if ((code == AMQP.NOT_ALLOWED || code == AMQP.ACCESS_REFUSED) && !limit) {
                throw new IllegalArgumentException("RabbitMQ at " + describe + " refuses the virtual host or the queue: "
                        + reason(e) + "; check the virtual host in processor.celery.broker.url (Celery's default "
                        + "is /, written amqp://USER:PASSWORD@HOST:5672//) and the user's permissions", e);
            }
            throw new TargetUnavailableException("RabbitMQ at " + describe + " is unreachable: " + reason(e), e);
        }
    }

    /** This thread's channel, opened (with the connection when needed) and in confirm mode. */
    private Publisher publisher() throws IOException {
        Publisher publisher = publishers.get(Thread.currentThread());
        if (publisher != null && publisher.channel.isOpen()) {
            return publisher;
        }
        // Lanes are replaced when the engine restarts: the channels of threads that ended go with them.
        publishers.entrySet().removeIf(entry -> {
            boolean ended = !entry.getKey().isAlive();
            if (ended) {
                abort(entry.getValue());
            }
            return ended;
        });
        Channel channel = connection().createChannel();
        channel.confirmSelect();
        Publisher opened = new Publisher(channel);
        channel.addReturnListener(returned -> opened.returned = returned.getReplyCode() + " " + returned.getReplyText());
        publishers.put(Thread.currentThread(), opened);
        return opened;
    }

    private synchronized Connection connection() throws IOException {
        if (connection == null || !connection.isOpen()) {
            try {
                connection = factory.newConnection("cdc-runner");
            } catch (TimeoutException e) {
                throw new IOException("no answer within the connect timeout", e);
            }
            blocked = null;
            // RabbitMQ blocks publishers on a memory or disk alarm: wait it out like a broker that is down.
            connection.addBlockedListener(reason -> blocked = reason, () -> blocked = null);
            // A connection lost while blocked sends no "unblocked": the next one starts unblocked.
            connection.addShutdownListener(cause -> blocked = null);
            queueChecked = false;
        }
        if (!queueChecked) {
            declareQueue(connection);
            queueChecked = true;
        }
        return connection;
    }

    /** Declares the queue as Celery does (durable, no arguments) unless it exists, with whatever arguments it has. */
    private void declareQueue(Connection open) throws IOException {
        try (Channel check = open.createChannel()) {
            check.queueDeclarePassive(queue);
            return;
        } catch (IOException e) {
            if (replyCode(e) != AMQP.NOT_FOUND) {
                throw e;
            }
        } catch (TimeoutException e) {
            throw new IOException(e);
        }
        try (Channel declare = open.createChannel()) {
            declare.queueDeclare(queue, true, false, false, null);
        } catch (TimeoutException e) {
            throw new IOException(e);
        }
    }

    private void drop(Publisher publisher) {
        if (publisher == null) {
            return;
        }
        publishers.remove(Thread.currentThread(), publisher);
        abort(publisher);
    }

    private static void abort(Publisher publisher) {
        try {
            if (publisher.channel.isOpen()) {
                publisher.channel.abort();
            }
        } catch (IOException | RuntimeException ignored) {
            // Closing a channel that failed or is no longer used: nothing left to do with it.
        }
    }

    /** The AMQP reply code RabbitMQ closed the channel or connection with, or 0. */
    private static int replyCode(Exception e) {
        Throwable cause = e instanceof ShutdownSignalException ? e : e.getCause();
        if (cause instanceof ShutdownSignalException signal && signal.getReason() instanceof AMQP.Channel.Close close) {
            return close.getReplyCode();
        }
        if (cause instanceof ShutdownSignalException signal && signal.getReason() instanceof AMQP.Connection.Close close) {
            return close.getReplyCode();
        }
        return 0;
    }

    private static String reason(Exception e) {
        Throwable cause = e instanceof IOException && e.getCause() != null ? e.getCause() : e;
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }

    @Override
    public String describe() {
        return describe;
    }

    @Override
    public synchronized void close() {
        publishers.clear();
        if (connection != null && connection.isOpen()) {
            connection.abort(2000);
        }
    }

    /** A lane's channel and what RabbitMQ returned on it during the current publish. */
    private static final class Publisher {
        final Channel channel;
        volatile String returned;

        Publisher(Channel channel) {
            this.channel = channel;
        }
    }
}
