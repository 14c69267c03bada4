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
 * RabbitMQ acknowledged it. A message RabbitMQ returns (no such queue) or nacks is refused. The queue is declared
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
    private Connection connection;
    private boolean queueChecked;

    AmqpBroker(URI url, String queue, TlsSettings tls, int connectTimeoutMillis, int confirmTimeoutMillis) {
        this.queue = queue;
        this.describe = CeleryBroker.withoutCredentials(url) + " queue " + queue;
        this.confirmTimeoutMillis = confirmTimeoutMillis;
        this.factory = new ConnectionFactory();
        try {
            factory.setUri(url);
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
        factory.setClientProperties(Map.of("connection_name", "cdc-runner"));
    }

    @Override
    public void publish(List<CeleryMessage> messages) {
        Publisher publisher = null;
        try {
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
                throw new Refused("RabbitMQ at " + describe + " did not take the task message(s) (nack)", null);
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
            if (!(e.getCause() instanceof ShutdownSignalException signal) || !signal.getMessage().contains("404")) {
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
