package io.cdcrunner.processor.builtin;

import java.net.URI;
import java.util.List;

import javax.net.ssl.SSLParameters;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisURIHelper;

import io.cdcrunner.processor.TargetUnavailableException;

/**
 * Celery's Redis transport as kombu writes it: each message is a JSON envelope pushed onto the list named after the
 * queue ({@code LPUSH}, which the worker's {@code BRPOP} takes from the other end, so order is kept). The reply to the
 * push is the confirmation: Redis has then taken every message of the call. It survives a Redis restart only as far as
 * Redis persists it: run it with {@code appendonly yes} (and {@code appendfsync always} to lose no confirmed message).
 */
final class RedisBroker implements CeleryBroker {

    private final String queue;
    private final String describe;
    private final RedisClient client;
    private final String origin = CeleryTaskProcessor.origin();

    RedisBroker(URI url, String queue, TlsSettings tls, int connectTimeoutMillis, int replyTimeoutMillis) {
        this.queue = queue;
        this.describe = CeleryBroker.withoutCredentials(url) + " queue " + queue;
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(connectTimeoutMillis)
                .socketTimeoutMillis(replyTimeoutMillis)
                .user(JedisURIHelper.getUser(url))
                .password(JedisURIHelper.getPassword(url))
                .database(JedisURIHelper.hasDbIndex(url) ? JedisURIHelper.getDBIndex(url) : 0)
                .clientName("cdc-runner");
        if (JedisURIHelper.isRedisSSLScheme(url)) {
            SSLParameters verifyHost = new SSLParameters();
            verifyHost.setEndpointIdentificationAlgorithm("HTTPS");
            config.ssl(true).sslParameters(verifyHost);
            if (tls.context() != null) {
                config.sslSocketFactory(tls.context().getSocketFactory());
            }
        }
        HostAndPort address = JedisURIHelper.getHostAndPort(url);
        // One connection per lane (processor.threads, at most 64), not the pool's default 8 that lanes would queue for.
        // Jedis's own pool settings (idle connections tested and evicted), larger.
        redis.clients.jedis.ConnectionPoolConfig pool = new redis.clients.jedis.ConnectionPoolConfig();
        pool.setMaxTotal(64);
        pool.setMaxIdle(64);
        this.client = RedisClient.builder().hostAndPort(address).clientConfig(config.build()).poolConfig(pool).build();
    }

    /**
     * Error replies that say Redis cannot take a write now, whatever the message: loading its data after a restart,
     * out of memory, a replica, unable to persist, its primary down, busy with a script, a cluster failing over, a
     * login or permission that no longer works. Waited out like a broker that is down; any other error reply (a key of
     * another type: {@code WRONGTYPE}) refuses the message.
     */
    private static final java.util.Set<String> NOT_NOW = java.util.Set.of("LOADING", "OOM", "READONLY", "MISCONF",
            "MASTERDOWN", "TRYAGAIN", "BUSY", "CLUSTERDOWN", "NOAUTH", "WRONGPASS", "NOPERM", "NOREPLICAS");

    @Override
    public void publish(List<CeleryMessage> messages) {
        String[] envelopes = messages.stream().map(m -> m.redisEnvelope(queue, origin)).toArray(String[]::new);
        try {
            client.lpush(queue, envelopes);
        } catch (JedisDataException e) {
            if (isNotNow(e)) {
                throw new TargetUnavailableException("Redis at " + describe + " cannot take messages now: "
                        + e.getMessage(), e);
            }
            throw new Refused("Redis refused the task message(s) for " + describe + ": " + e.getMessage(), e);
        } catch (JedisConnectionException e) {
            throw new TargetUnavailableException("Redis at " + describe + " is unreachable: " + e.getMessage(), e);
        } catch (JedisException e) {
            throw new TargetUnavailableException("Redis at " + describe + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void connect() {
        try {
            client.ping();
        } catch (JedisDataException e) {
            if (isNotNow(e) && !isLogin(e)) {
                throw new TargetUnavailableException("Redis at " + describe + " cannot take messages now: "
                        + e.getMessage(), e);
            }
            // A wrong password or database is the configuration's fault: stop at start, naming it.
            throw new IllegalArgumentException("Redis at " + describe + " refuses the connection: " + e.getMessage()
                    + "; check processor.celery.broker.url (redis://:PASSWORD@HOST:PORT/DB)", e);
        } catch (JedisException e) {
            CeleryBroker.failOnTls(e, describe);
            throw new TargetUnavailableException("Redis at " + describe + " is unreachable: " + e.getMessage(), e);
        }
    }

    /** The reply's first word, Redis's error code ({@code WRONGTYPE Operation against a key ...}). */
    private static String code(JedisDataException e) {
        String message = e.getMessage() == null ? "" : e.getMessage().strip();
        int space = message.indexOf(' ');
        return space < 0 ? message : message.substring(0, space);
    }

    private static boolean isNotNow(JedisDataException e) {
        // Redis sends "ERR max number of clients reached" to a connection over its maxclients.
        return NOT_NOW.contains(code(e)) || String.valueOf(e.getMessage()).contains("max number of clients");
    }

    private static boolean isLogin(JedisDataException e) {
        String code = code(e);
        return code.equals("NOAUTH") || code.equals("WRONGPASS") || code.equals("NOPERM");
    }

    @Override
    public String describe() {
        return describe;
    }

    @Override
    public void close() {
        client.close();
    }
}
