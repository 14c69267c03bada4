package io.cdcrunner.brokers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * A throwaway Redis server ({@code redis-server}, Debian package {@code redis-server}) on a free loopback port, its
 * data in its own directory. It runs as a Celery-on-Redis production setup should: the append-only file on and
 * fsynced at every write ({@code appendfsync always}), no snapshots, so a list push Redis answered survives a kill.
 * Optionally with a password ({@code requirepass}) and TLS only ({@code tls-port}, no plain port).
 *
 * <pre>{@code
 * try (LocalRedis redis = LocalRedis.builder().password("pw").start()) {
 *     String brokerUrl = redis.url();               // redis://:pw@127.0.0.1:PORT/0
 * }
 * }</pre>
 */
public final class LocalRedis implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalRedis.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final boolean deleteOnClose;
    private final int port;
    private final String password;
    private final TestCertificates tls;
    private OwnedProcess process;

    private LocalRedis(Builder builder, Path dir) {
        this.dir = dir;
        this.deleteOnClose = builder.dir == null;
        this.port = OwnedProcess.freePort();
        this.password = builder.password;
        this.tls = builder.tls;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** True when this machine has {@code redis-server}. */
    public static boolean isAvailable() {
        return Files.isExecutable(Path.of(program()));
    }

    private static String program() {
        // Debian installs it in /usr/bin; some distributions in /usr/sbin.
        return Files.isExecutable(Path.of("/usr/bin/redis-server")) ? "/usr/bin/redis-server"
                : "/usr/sbin/redis-server";
    }

    /** {@code redis://:password@127.0.0.1:PORT/0}, {@code rediss://} with TLS; no {@code :password@} without one. */
    public String url() {
        String credentials = password == null ? "" : ":" + Urls.encode(password) + "@";
        return (tls == null ? "redis" : "rediss") + "://" + credentials + "127.0.0.1:" + port + "/0";
    }

    /** The port it listens on: the TLS port when TLS is on (then there is no plain one). */
    public int port() {
        return port;
    }

    /** The password clients need, or null. */
    public String password() {
        return password;
    }

    /** The certificates of its TLS port, or null without TLS. */
    public TestCertificates certificates() {
        return tls;
    }

    public Path dataDir() {
        return dir;
    }

    /** A new connection, authenticated, over TLS checked against the test CA when TLS is on; the caller closes it. */
    public Jedis connect() {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(2000).socketTimeoutMillis(10_000).password(password)
                // What Celery's client speaks; asking for RESP3 would make Jedis warn on every connection.
                .resp2();
        if (tls != null) {
            config.ssl(true).sslSocketFactory(tls.sslContext().getSocketFactory());
        }
        return new Jedis(new HostAndPort("127.0.0.1", port), config.build());
    }

    /** True when it answers PING. */
    public boolean ping() {
        try (Jedis redis = connect()) {
            return "PONG".equals(redis.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The length of the list {@code key}: the messages waiting in a Celery queue of that name. */
    public long llen(String key) {
        try (Jedis redis = connect()) {
            return redis.llen(key);
        }
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts the server, unless it runs, and waits until it answers; returns how long it took. */
    synchronized Duration startServer() {
        if (isRunning()) {
            return Duration.ZERO;
        }
        process = OwnedProcess.start("redis-server on port " + port, List.of(program(), dir.resolve("redis.conf")
                .toString()), Map.of(), dir, dir.resolve("redis.log"));
        Duration took = process.awaitReady(START_TIMEOUT, this::servesThisDirectory);
        log.debug("local Redis up on port {} in {} ms", port, took.toMillis());
        return took;
    }

    /** A free port can be taken by another server between the probe and the bind: check it is ours. */
    private boolean servesThisDirectory() {
        try (Jedis redis = connect()) {
            String served = redis.configGet("dir").get("dir");
            if (!Path.of(served).equals(dir.toAbsolutePath())) {
                throw new IllegalStateException("port " + port + " is served by another Redis (" + served + ")");
            }
            return true;
        }
    }

    /** Clean shutdown (SIGTERM: Redis fsyncs the append-only file and exits); the data directory is kept. */
    public synchronized void stop() {
        if (process != null) {
            process.terminate(STOP_TIMEOUT);
        }
    }

    /** SIGKILL, as a crash would; the data directory is kept. */
    public synchronized void kill() {
        if (process != null) {
            process.kill();
        }
    }

    /**
     * Starts it again on the same port with the same data (stopping it first if it runs), and waits until it
     * answers.
     *
     * @return how long the start took
     */
    public synchronized Duration restart() {
        return restart(() -> { });
    }

    /**
     * Stops it, runs {@code whileStopped} (a test's look at what happens without the broker), then starts it again on
     * the same port with the same data and waits until it answers.
     *
     * @return how long the start took
     */
    public synchronized Duration restart(Runnable whileStopped) {
        stop();
        whileStopped.run();
        return startServer();
    }

    /** Stops it and deletes the data directory if the builder made it. Idempotent. */
    @Override
    public synchronized void close() {
        stop();
        process = null;
        if (deleteOnClose) {
            Directories.delete(dir);
        }
    }

    private void writeConfig() throws IOException {
        StringBuilder conf = new StringBuilder()
                .append("bind 127.0.0.1\n")
                .append("dir ").append(dir.toAbsolutePath()).append('\n')
                .append("daemonize no\n")
                .append("appendonly yes\n")
                // A push Redis answered is on disk: the broker loses no task message a producer saw confirmed.
                .append("appendfsync always\n")
                .append("save \"\"\n");
        if (password != null) {
            conf.append("requirepass \"").append(password).append("\"\n");
        }
        if (tls == null) {
            conf.append("port ").append(port).append('\n');
        } else {
            conf.append("port 0\n")
                    .append("tls-port ").append(port).append('\n')
                    .append("tls-cert-file ").append(tls.serverCertificate().toAbsolutePath()).append('\n')
                    .append("tls-key-file ").append(tls.serverKey().toAbsolutePath()).append('\n')
                    .append("tls-ca-cert-file ").append(tls.caCertificate().toAbsolutePath()).append('\n')
                    .append("tls-auth-clients no\n");
        }
        Files.writeString(dir.resolve("redis.conf"), conf.toString());
    }

    /** Options for a local Redis; {@link #start()} starts it. */
    public static final class Builder {
        private Path dir;
        private String password;
        private TestCertificates tls;

        private Builder() {
        }

        /** Keep the data in {@code dir} instead of a temporary directory deleted on close. */
        public Builder dataDir(Path dir) {
            this.dir = dir;
            return this;
        }

        /** Clients must authenticate with {@code password} ({@code requirepass}). */
        public Builder password(String password) {
            if (password.contains("\"") || password.contains("\\")) {
                throw new IllegalArgumentException("the password goes into redis.conf: use one without \" or \\");
            }
            this.password = password;
            return this;
        }

        /** Serve TLS alone on the port, with these certificates (clients are not asked for one). */
        public Builder tls(TestCertificates certificates) {
            this.tls = certificates;
            return this;
        }

        /** Starts it on a free port and waits until it answers. */
        public LocalRedis start() {
            try {
                Path home = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("cdc-runner-redis-");
                LocalRedis redis = new LocalRedis(this, home.toAbsolutePath());
                redis.writeConfig();
                redis.startServer();
                return redis;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
