package io.cdcrunner.localdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throwaway database server in a temporary directory on a free loopback port, for tests, the demo and the
 * benchmark: a {@link LocalMariaDb} or a {@link LocalMySql}. No system configuration is read and nothing outside
 * the data directory is touched. Root connects without a password.
 *
 * <pre>{@code
 * try (LocalServer db = Flavor.MYSQL.builder().start()) {
 *     String url = db.jdbcUrl("shop");
 * }
 * }</pre>
 */
public abstract sealed class LocalServer implements AutoCloseable permits LocalMariaDb, LocalMySql {

    private static final Logger log = LoggerFactory.getLogger(LocalServer.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    static final String REPLICATION_USER = "repl";
    static final String REPLICATION_PASSWORD = "repl-secret";

    private final Path dataDir;
    private final boolean deleteOnClose;
    private final int port;
    private final long serverId;
    private final List<String> serverArgs;
    private Process process;

    LocalServer(Builder<?> builder, Path dataDir, int port) {
        this.dataDir = dataDir;
        this.deleteOnClose = builder.dataDir == null;
        this.port = port;
        this.serverId = builder.serverId;
        this.serverArgs = List.copyOf(serverArgs(builder, dataDir.toAbsolutePath(), port));
    }

    /** Which server this is. */
    public abstract Flavor flavor();

    /** The server program's path. */
    abstract String program();

    /** The program's options: data directory, port, binlog, server id and the builder's extra options. */
    abstract List<String> serverArgs(Builder<?> builder, Path dir, int port);

    /** Initializes an empty data directory. */
    abstract void install() throws IOException;

    /** Where the server writes its log. */
    abstract Path logFile();

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public String host() {
        return "127.0.0.1";
    }

    /** The server's {@code --server-id}. */
    public long serverId() {
        return serverId;
    }

    /** A JDBC URL for {@code database} (may be empty for none), user and password passed separately. */
    public String jdbcUrl(String database) {
        return "jdbc:mysql://127.0.0.1:" + port + "/" + database
                + "?useSSL=false&allowPublicKeyRetrieval=true&rewriteBatchedStatements=true";
    }

    /** A connection as {@code root} (no password). */
    public Connection rootConnection() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(""), "root", "");
    }

    /** Runs statements as root, in order. */
    public void execute(String... sql) {
        try (Connection c = rootConnection(); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on local " + flavor() + ": " + e.getMessage(), e);
        }
    }

    /** The first column of the first row of {@code sql}, run as root. */
    public String queryString(String sql) {
        try (Connection c = rootConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on local " + flavor() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates {@code user} with {@code password} and the grants cdc-runner needs on the whole server, with the
     * server's default authentication ({@code caching_sha2_password} on MySQL 8).
     */
    public abstract void createCdcUser(String user, String password);

    /** The transactions this server has binlogged, in its own GTID notation ({@code gtid_binlog_pos} on MariaDB). */
    public abstract String gtidPosition();

    /**
     * Starts a second throwaway server replicating this one, and returns once replication runs. The replica
     * has its own binlog (it logs what it applies), replicates by GTID from this server's first binlog on, and
     * applies each transaction {@code delaySeconds} after the primary committed it: a lagging replica on one
     * machine. A replication user is created on this server. Close the replica as any server; it is not closed
     * with this one.
     *
     * @param replicaServerId the replica's {@code --server-id}; must differ from this server's
     * @param delaySeconds    the replication delay, 0 for none
     * @throws IllegalStateException when replication does not start within a minute, with the replica's error
     */
    public abstract LocalServer startReplica(long replicaServerId, int delaySeconds);

    /** The statement that shows this server's replication threads. */
    abstract String replicaStatus();

    /** How that statement's columns begin ({@code Slave_IO_Running} or {@code Replica_IO_Running}). */
    abstract String replicaColumnPrefix();

    /** True when this server is a replica whose I/O and SQL threads both run. */
    public boolean isReplicating() {
        String prefix = replicaColumnPrefix();
        try (Connection c = rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(replicaStatus())) {
            return rs.next() && "Yes".equals(rs.getString(prefix + "_IO_Running"))
                    && "Yes".equals(rs.getString(prefix + "_SQL_Running"));
        } catch (SQLException e) {
            throw new IllegalStateException(replicaStatus() + " failed on local " + flavor() + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * On a replica: returns once it has applied everything {@code primary} had binlogged when this was called.
     *
     * @throws IllegalStateException when it has not within {@code timeout}
     */
    public abstract void awaitCaughtUpWith(LocalServer primary, Duration timeout);

    void checkReplicaId(long replicaServerId) {
        if (replicaServerId == serverId) {
            throw new IllegalArgumentException("the replica needs a server id other than the primary's " + serverId);
        }
    }

    /** Waits until {@link #isReplicating} says both threads run. */
    void awaitReplicationRunning(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                if (isReplicating()) {
                    return;
                }
                last = replicationState();
            } catch (IllegalStateException e) {
                last = e.getMessage();
            }
            pause("replication");
        }
        throw new IllegalStateException("replication on port " + port + " did not start within "
                + timeout.toSeconds() + " s: " + last);
    }

    /** The replica's threads and last errors, for a failure message. */
    String replicationState() {
        String prefix = replicaColumnPrefix();
        try (Connection c = rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(replicaStatus())) {
            return !rs.next() ? "not a replica"
                    : prefix + "_IO_Running=" + rs.getString(prefix + "_IO_Running") + ", " + prefix + "_SQL_Running="
                    + rs.getString(prefix + "_SQL_Running") + ", Last_IO_Error=" + rs.getString("Last_IO_Error")
                    + ", Last_SQL_Error=" + rs.getString("Last_SQL_Error");
        } catch (SQLException e) {
            return e.getMessage();
        }
    }

    /** Starts (or restarts after {@link #stop()} / {@link #kill()}) the server process and waits until it accepts connections. */
    public synchronized LocalServer startServer() {
        if (process != null && process.isAlive()) {
            return this;
        }
        try {
            List<String> command = new ArrayList<>();
            command.add(program());
            command.addAll(serverArgs);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + program() + ": " + e.getMessage(), e);
        }
        try {
            awaitReady();
        } catch (RuntimeException e) {
            // Not left running behind a test that gave up on it (a start timeout on a loaded machine).
            process.destroyForcibly();
            throw e;
        }
        log.debug("local {} up on port {} in {}", flavor(), port, dataDir);
        return this;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(flavor() + " exited with code " + process.exitValue()
                        + " during start-up; see " + logFile() + ":\n" + tail(logFile()));
            }
            try (Connection c = rootConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT @@datadir")) {
                rs.next();
                // A free port can be taken by another server between our probe and the server's bind.
                if (!Path.of(rs.getString(1)).toAbsolutePath().normalize()
                        .equals(dataDir.toAbsolutePath().normalize())) {
                    throw new IllegalStateException("port " + port + " is served by another server ("
                            + rs.getString(1) + "); retry");
                }
                return;
            } catch (SQLException e) {
                last = e;
            }
            pause(flavor().toString());
        }
        throw new IllegalStateException(flavor() + " did not accept connections on port " + port + " within "
                + START_TIMEOUT.toSeconds() + " s: " + (last == null ? "" : last.getMessage()) + "\n"
                + tail(logFile()));
    }

    static void pause(String waitingFor) {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + waitingFor, e);
        }
    }

    static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no server log)";
        }
    }

    /** Clean shutdown (SIGTERM), waiting for the process to exit. The data directory is kept. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        waitForExit(Duration.ofSeconds(60));
    }

    /** Hard kill (SIGKILL), as a crash would. The data directory is kept. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        waitForExit(Duration.ofSeconds(30));
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    private void waitForExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() {
        stop();
        process = null;
        if (deleteOnClose) {
            deleteRecursively(dataDir);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("could not delete {}: {}", dir, e.getMessage());
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Creates a server of one flavor from a builder, its data directory and its port. */
    @FunctionalInterface
    interface Factory<S extends LocalServer> {
        S create(Builder<S> builder, Path dataDir, int port);
    }

    /** Options for a local server; {@link #start()} initializes the data directory if needed and starts it. */
    public static final class Builder<S extends LocalServer> {
        private final Factory<S> factory;
        private final String tempPrefix;
        boolean binlog = true;
        boolean gtids = true;
        long serverId = 1;
        Path dataDir;
        int port;
        final List<String> extraArgs = new ArrayList<>();

        Builder(Factory<S> factory, String tempPrefix) {
            this.factory = factory;
            this.tempPrefix = tempPrefix;
        }

        /** Whether the binary log is on (ROW format, FULL row image). Default on. */
        public Builder<S> binlog(boolean enabled) {
            this.binlog = enabled;
            return this;
        }

        /**
         * Whether GTIDs are on. Default on. MySQL: {@code gtid_mode=ON} with {@code enforce_gtid_consistency};
         * off, it runs {@code gtid_mode=OFF}. MariaDB always writes GTIDs, so this changes nothing there.
         */
        public Builder<S> gtids(boolean enabled) {
            this.gtids = enabled;
            return this;
        }

        public Builder<S> serverId(long id) {
            this.serverId = id;
            return this;
        }

        /** Keep data in {@code dir} instead of a temporary directory deleted on close. */
        public Builder<S> dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        public Builder<S> port(int port) {
            this.port = port;
            return this;
        }

        /** An extra server option such as {@code --log-slave-updates}; later options win over earlier ones. */
        public Builder<S> serverArg(String arg) {
            extraArgs.add(arg);
            return this;
        }

        /** Initializes the data directory if needed and starts the server. */
        @SuppressWarnings("unchecked")
        public S start() {
            try {
                Path dir = dataDir != null ? dataDir : Files.createTempDirectory(tempPrefix);
                Files.createDirectories(dir);
                S db = factory.create(this, dir, port > 0 ? port : freePort());
                if (!Files.exists(dir.resolve("mysql"))) {
                    db.install();
                }
                return (S) db.startServer();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
