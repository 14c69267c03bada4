package io.cdcrunner.brokers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.impl.ForgivingExceptionHandler;

import io.cdcrunner.testkit.DatabaseTest;

/**
 * The dev kit's RabbitMQ keeps a confirmed persistent message of a durable queue across a clean stop and a kill, on
 * the same port and URL, and serves AMQP over TLS alone when asked.
 */
@DatabaseTest
class LocalRabbitMqTest {

    private static final String QUEUE = "celery";

    @TempDir
    Path temp;

    @Test
    void aConfirmedPersistentMessageInADurableQueueSurvivesAStopAndAKill() throws Exception {
        long start = System.nanoTime();
        try (LocalRabbitMq rabbit = LocalRabbitMq.builder().user("celery", "rabbit-pw").start()) {
            BrokerReport.took("rabbitmq start", BrokerReport.since(start));
            String url = rabbit.url();
            assertThat(url).isEqualTo("amqp://celery:rabbit-pw@127.0.0.1:" + rabbit.port() + "/%2F");
            publishConfirmed(rabbit, "task-1");
            assertThat(rabbit.messageCount(QUEUE)).isEqualTo(1);

            long stop = System.nanoTime();
            rabbit.stop();
            BrokerReport.took("rabbitmq stop", BrokerReport.since(stop));
            assertThat(rabbit.isRunning()).isFalse();
            BrokerReport.took("rabbitmq restart after SIGTERM", rabbit.restart());
            assertThat(rabbit.messageCount(QUEUE)).isEqualTo(1);

            rabbit.kill();
            assertThat(rabbit.isRunning()).isFalse();
            BrokerReport.took("rabbitmq restart after SIGKILL", rabbit.restart());
            assertThat(rabbit.url()).isEqualTo(url);
            assertThat(rabbit.messageCount(QUEUE)).isEqualTo(1);
            try (Connection connection = rabbit.connect(); Channel channel = connection.createChannel()) {
                GetResponse message = channel.basicGet(QUEUE, true);
                assertThat(new String(message.getBody(), StandardCharsets.UTF_8)).isEqualTo("task-1");
            }
        }
    }

    @Test
    void withTlsOnlyAmqpsIsServed() throws Exception {
        TestCertificates certificates = TestCertificates.create(temp.resolve("certs"));
        long start = System.nanoTime();
        try (LocalRabbitMq rabbit = LocalRabbitMq.builder().tls(certificates).start()) {
            BrokerReport.took("rabbitmq start with TLS", BrokerReport.since(start));
            assertThat(rabbit.url()).isEqualTo("amqps://cdc:cdc-secret@127.0.0.1:" + rabbit.port() + "/%2F");
            ConnectionFactory plain = new ConnectionFactory();
            plain.setUri("amqp://cdc:cdc-secret@127.0.0.1:" + rabbit.port() + "/%2F");
            plain.setConnectionTimeout(5000);
            plain.setHandshakeTimeout(5000);
            plain.setExceptionHandler(new ForgivingExceptionHandler() {
                @Override
                public void handleUnexpectedConnectionDriverException(Connection connection, Throwable exception) {
                    // expected: the TLS listener's answer is no AMQP frame
                }
            });
            assertThatThrownBy(plain::newConnection).as("a client without TLS").isInstanceOf(Exception.class);
            publishConfirmed(rabbit, "task-1");
            assertThat(rabbit.messageCount(QUEUE)).isEqualTo(1);
        }
    }

    private static void publishConfirmed(LocalRabbitMq rabbit, String body) throws Exception {
        try (Connection connection = rabbit.connect(); Channel channel = connection.createChannel()) {
            channel.queueDeclare(QUEUE, true, false, false, null);
            channel.confirmSelect();
            AMQP.BasicProperties persistent = MessageProperties.PERSISTENT_TEXT_PLAIN;
            channel.basicPublish("", QUEUE, persistent, body.getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(Duration.ofSeconds(10).toMillis());
        }
    }
}
