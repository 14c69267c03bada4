package io.cdcrunner.brokers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ExceptionHandler;
import com.rabbitmq.client.impl.DefaultExceptionHandler;

/**
 * A throwaway RabbitMQ node ({@code rabbitmq-server}, Debian package {@code rabbitmq-server}) on a free loopback
 * port, with its own node name, Erlang distribution port, configuration, database and log in one directory, no
 * plugins, and one user. The database survives {@link #stop()}, {@link #kill()} and {@link #restart()}: durable
 * queues and the persistent messages in them are still there. Optionally TLS alone ({@code amqps}, no plain port).
 * Nothing of the system's RabbitMQ (its service, {@code /etc/rabbitmq}, {@code /var/lib/rabbitmq}) is used; the
 * Erlang port mapper ({@code epmd}) the first node starts stays running, as it does for every Erlang program.
 */
public final class LocalRabbitMq implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalRabbitMq.class);
    private static final Path PROGRAM = Path.of("/usr/lib/rabbitmq/bin/rabbitmq-server");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;
    private final boolean deleteOnClose;
    private final String shortName = "cdc-runner-" + UUID.randomUUID().toString().substring(0, 8);
    private final int port = OwnedProcess.freePort();
    private final int distributionPort = OwnedProcess.freePort();
    private final String user;
    private final String password;
    private final TestCertificates tls;
    /** A node still booting resets connections; the start-up probe expects that and says nothing. */
    private static final ExceptionHandler QUIET_WHILE_STARTING = new DefaultExceptionHandler() {
        @Override
        public void handleUnexpectedConnectionDriverException(Connection connection, Throwable exception) {
        }
    };

    private OwnedProcess process;

    private LocalRabbitMq(Builder builder, Path dir) {
        this.dir = dir;
        this.deleteOnClose = builder.dir == null;
        this.user = builder.user;
        this.password = builder.password;
        this.tls = builder.tls;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** True when this machine has the RabbitMQ server (Debian's layout). */
    public static boolean isAvailable() {
        return Files.isExecutable(PROGRAM);
    }

    /** {@code amqp://user:password@127.0.0.1:PORT/%2F} (the default virtual host), {@code amqps://} with TLS. */
    public String url() {
        return (tls == null ? "amqp" : "amqps") + "://" + Urls.encode(user) + ":" + Urls.encode(password)
                + "@127.0.0.1:" + port + "/%2F";
    }

    /** The AMQP port: the TLS one when TLS is on (then there is no plain one). */
    public int port() {
        return port;
    }

    /** The node's name, {@code cdc-runner-xxxxxxxx@localhost}. */
    public String nodeName() {
        return shortName + "@localhost";
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** The certificates of its TLS listener, or null without TLS. */
    public TestCertificates certificates() {
        return tls;
    }

    public Path dataDir() {
        return dir;
    }

    /** A new connection as the user, over TLS checked against the test CA when TLS is on; the caller closes it. */
    public Connection connect() {
        return connect(new DefaultExceptionHandler());
    }

    private Connection connect(ExceptionHandler exceptions) {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setExceptionHandler(exceptions);
        try {
            factory.setUri(url());
        } catch (Exception e) {
            throw new IllegalStateException("bad AMQP URL " + url(), e);
        }
        if (tls != null) {
            factory.useSslProtocol(tls.sslContext());
            factory.enableHostnameVerification();
        }
        factory.setConnectionTimeout(5000);
        factory.setAutomaticRecoveryEnabled(false);
        try {
            return factory.newConnection("cdc-runner devkit");
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("cannot connect to RabbitMQ on port " + port + ": " + e, e);
        }
    }

    /** The messages ready in {@code queue} (not those delivered and unacknowledged). The queue must exist. */
    public long messageCount(String queue) {
        try (Connection connection = connect(); Channel channel = connection.createChannel()) {
            return channel.queueDeclarePassive(queue).getMessageCount();
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("cannot count the messages of queue " + queue + ": " + e, e);
        }
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts the node, unless it runs, and waits until it accepts an AMQP connection; returns how long it took. */
    synchronized Duration startServer() {
        if (isRunning()) {
            return Duration.ZERO;
        }
        Path home = dir.resolve("home");
        Map<String, String> env = Map.ofEntries(
                // The Erlang cookie is written to and read from $HOME.
                Map.entry("HOME", home.toString()),
                Map.entry("RABBITMQ_NODENAME", nodeName()),
                Map.entry("RABBITMQ_NODE_PORT", String.valueOf(port)),
                Map.entry("RABBITMQ_DIST_PORT", String.valueOf(distributionPort)),
                Map.entry("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString()),
                Map.entry("RABBITMQ_LOG_BASE", dir.resolve("log").toString()),
                Map.entry("RABBITMQ_LOGS", "-"),
                // Without the extension: rabbitmq-server reads rabbitmq.conf.
                Map.entry("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq").toString()),
                Map.entry("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString()),
                Map.entry("RABBITMQ_PID_FILE", dir.resolve("rabbitmq.pid").toString()));
        process = OwnedProcess.start("RabbitMQ " + nodeName() + " on port " + port, List.of(PROGRAM.toString()), env,
                dir, dir.resolve("rabbitmq.log"));
        Duration took = process.awaitReady(START_TIMEOUT, this::servesThisNode);
        log.debug("local RabbitMQ {} up on port {} in {} ms", nodeName(), port, took.toMillis());
        return took;
    }

    /** A free port can be taken by another server between the probe and the bind: check the node is ours. */
    private boolean servesThisNode() {
        try (Connection connection = connect(QUIET_WHILE_STARTING)) {
            // The cluster name defaults to the node's name with the machine's full host name.
            String cluster = String.valueOf(connection.getServerProperties().get("cluster_name"));
            if (!cluster.startsWith(shortName + "@")) {
                throw new IllegalStateException("port " + port + " is served by another RabbitMQ (" + cluster + ")");
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Clean shutdown (SIGTERM: the script stops the node); the database is kept. */
    public synchronized void stop() {
        if (process != null) {
            process.terminate(STOP_TIMEOUT);
        }
    }

    /** SIGKILL to the script and the Erlang VM, as a crash would; the database is kept. */
    public synchronized void kill() {
        if (process != null) {
            process.kill();
        }
    }

    /**
     * Starts it again on the same port with the same node name and database (stopping it first if it runs), and
     * waits until it accepts an AMQP connection.
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

    /** Stops it and deletes its directory if the builder made it. Idempotent. */
    @Override
    public synchronized void close() {
        stop();
        process = null;
        if (deleteOnClose) {
            Directories.delete(dir);
        }
    }

    private void writeConfig() throws IOException {
        Files.createDirectories(dir.resolve("home"));
        Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
        StringBuilder conf = new StringBuilder()
                // The user may log in over 127.0.0.1 (RabbitMQ allows 'guest' on loopback alone; this is another).
                .append("loopback_users = none\n")
                // Created at the first start, when the database is empty.
                .append("default_user = ").append(user).append('\n')
                .append("default_pass = ").append(password).append('\n');
        if (tls == null) {
            conf.append("listeners.tcp.default = 127.0.0.1:").append(port).append('\n');
        } else {
            conf.append("listeners.tcp = none\n")
                    .append("listeners.ssl.default = 127.0.0.1:").append(port).append('\n')
                    .append("ssl_options.cacertfile = ").append(tls.caCertificate().toAbsolutePath()).append('\n')
                    .append("ssl_options.certfile = ").append(tls.serverCertificate().toAbsolutePath()).append('\n')
                    .append("ssl_options.keyfile = ").append(tls.serverKey().toAbsolutePath()).append('\n')
                    .append("ssl_options.verify = verify_none\n")
                    .append("ssl_options.fail_if_no_peer_cert = false\n");
        }
        Files.writeString(dir.resolve("rabbitmq.conf"), conf.toString());
    }

    /** Options for a local RabbitMQ; {@link #start()} starts it. */
    public static final class Builder {
        private Path dir;
        private String user = "cdc";
        private String password = "cdc-secret";
        private TestCertificates tls;

        private Builder() {
        }

        /** Keep everything in {@code dir} instead of a temporary directory deleted on close. */
        public Builder dataDir(Path dir) {
            this.dir = dir;
            return this;
        }

        /** The one user (administrator of the default virtual host); default {@code cdc} / {@code cdc-secret}. */
        public Builder user(String user, String password) {
            if (!(user + password).matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("user and password go into rabbitmq.conf: use letters, digits, "
                        + "'.', '_' and '-'");
            }
            this.user = user;
            this.password = password;
            return this;
        }

        /** Serve AMQP over TLS alone on the port, with these certificates (clients are not asked for one). */
        public Builder tls(TestCertificates certificates) {
            this.tls = certificates;
            return this;
        }

        /** Starts it on a free port and waits until it accepts an AMQP connection (about 5 s). */
        public LocalRabbitMq start() {
            try {
                Path home = dir != null ? Files.createDirectories(dir)
                        : Files.createTempDirectory("cdc-runner-rabbitmq-");
                LocalRabbitMq rabbit = new LocalRabbitMq(this, home.toAbsolutePath());
                rabbit.writeConfig();
                rabbit.startServer();
                return rabbit;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
