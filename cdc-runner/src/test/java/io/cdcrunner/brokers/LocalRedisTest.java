package io.cdcrunner.brokers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.testkit.DatabaseTest;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * The dev kit's Redis keeps what it answered across a kill, on the same port and URL, with a password and over TLS
 * alone.
 */
@DatabaseTest
class LocalRedisTest {

    @TempDir
    Path temp;

    @Test
    void aListItemPushedBeforeAKillIsThereAfterARestartOnTheSamePort() {
        long start = System.nanoTime();
        try (LocalRedis redis = LocalRedis.builder().password("redis pw").start()) {
            BrokerReport.took("redis start", BrokerReport.since(start));
            String url = redis.url();
            assertThat(url).isEqualTo("redis://:redis%20pw@127.0.0.1:" + redis.port() + "/0");
            try (Jedis client = redis.connect()) {
                client.lpush("celery", "task-1");
            }

            redis.kill();
            assertThat(redis.isRunning()).isFalse();
            assertThat(redis.ping()).isFalse();
            BrokerReport.took("redis restart after SIGKILL", redis.restart());

            assertThat(redis.url()).isEqualTo(url);
            assertThat(redis.llen("celery")).isEqualTo(1);
            BrokerReport.took("redis restart after SHUTDOWN", redis.restart());
            try (Jedis client = redis.connect()) {
                assertThat(client.rpop("celery")).isEqualTo("task-1");
            }
        }
    }

    @Test
    void withTlsOnlyTheTlsPortAnswersAndTheUrlSaysRediss() {
        TestCertificates certificates = TestCertificates.create(temp.resolve("certs"));
        long start = System.nanoTime();
        try (LocalRedis redis = LocalRedis.builder().password("pw").tls(certificates).start()) {
            BrokerReport.took("redis start with TLS", BrokerReport.since(start));
            assertThat(redis.url()).isEqualTo("rediss://:pw@127.0.0.1:" + redis.port() + "/0");
            assertThat(redis.ping()).isTrue();
            try (Jedis plain = new Jedis(new HostAndPort("127.0.0.1", redis.port()))) {
                assertThatThrownBy(plain::ping).as("a client without TLS").isInstanceOf(RuntimeException.class);
            }
            try (Jedis client = redis.connect()) {
                client.lpush("celery", "task-1");
            }
            assertThat(redis.restart()).isLessThan(Duration.ofSeconds(30));
            assertThat(redis.llen("celery")).isEqualTo(1);
        }
    }
}
