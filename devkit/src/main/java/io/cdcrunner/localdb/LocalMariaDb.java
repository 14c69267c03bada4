package io.cdcrunner.localdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
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
 * A throwaway MariaDB server in a temporary directory on a free loopback port, for tests and the demo.
 * Needs the {@code mariadbd} and {@code mariadb-install-db} programs (Debian package {@code mariadb-server});
 * no system configuration is read and nothing outside the data directory is touched.
 *
 * <pre>{@code
 * try (LocalMariaDb db = LocalMariaDb.builder().start()) {
 *     String url = db.jdbcUrl("shop");
 * }
 * }</pre>
 */
public final class LocalMariaDb implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalMariaDb.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final String REPLICATION_USER = "repl";
    private static final String REPLICATION_PASSWORD = "repl-secret";

    private final Path dataDir;
    private final boolean deleteOnClose;
    private final int port;
    private final long serverId;
    private final List<String> serverArgs;
    private Process process;

    private LocalMariaDb(Builder builder, Path dataDir, int port) {
        this.dataDir = dataDir;
        this.deleteOnClose = builder.dataDir == null;
        this.port = port;
        this.serverId = builder.serverId;
        this.serverArgs = List.copyOf(builder.serverArgs(dataDir, port));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** True when this machine has the MariaDB server programs this class needs. */
    public static boolean isAvailable() {
        return Binaries.find("mariadbd") != null && Binaries.find("mariadb-install-db") != null;
    }

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
            throw new IllegalStateException("SQL failed on local MariaDB: " + e.getMessage(), e);
        }
    }

    /** Creates {@code user} with {@code password} and the grants cdc-runner needs on the whole server. */
    public void createCdcUser(String user, String password) {
        execute("CREATE USER IF NOT EXISTS '" + user + "'@'%' IDENTIFIED BY '" + password + "'",
                "CREATE USER IF NOT EXISTS '" + user + "'@'localhost' IDENTIFIED BY '" + password + "'",
                "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, RELOAD, SHOW DATABASES, REPLICATION SLAVE, "
                        + "REPLICATION CLIENT, BINLOG MONITOR ON *.* TO '" + user + "'@'%'",
                "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, RELOAD, SHOW DATABASES, REPLICATION SLAVE, "
                        + "REPLICATION CLIENT, BINLOG MONITOR ON *.* TO '" + user + "'@'localhost'");
    }

    /**
     * Starts a second throwaway server replicating this one, and returns once replication runs. The replica
     * has its own binlog ({@code --log-slave-updates}), replicates by GTID ({@code MASTER_USE_GTID=slave_pos})
     * from this server's first binlog on, and applies each transaction {@code delaySeconds} after the primary
     * committed it ({@code MASTER_DELAY}): a lagging replica on one machine. A replication user is created on
     * this server. Close the replica as any {@link LocalMariaDb}; it is not closed with this one.
     *
     * @param replicaServerId the replica's {@code --server-id}; must differ from this server's
     * @param delaySeconds    {@code MASTER_DELAY}, 0 for none
     * @throws IllegalStateException when replication does not start within a minute, with the replica's error
     */
    public LocalMariaDb startReplica(long replicaServerId, int delaySeconds) {
        if (replicaServerId == serverId) {
            throw new IllegalArgumentException("the replica needs a server id other than the primary's " + serverId);
        }
        execute("CREATE USER IF NOT EXISTS '" + REPLICATION_USER + "'@'%' IDENTIFIED BY '" + REPLICATION_PASSWORD + "'",
                "GRANT REPLICATION SLAVE ON *.* TO '" + REPLICATION_USER + "'@'%'");
        LocalMariaDb replica = builder().serverId(replicaServerId).serverArg("--log-slave-updates").start();
        try {
            replica.execute("CHANGE MASTER TO MASTER_HOST='" + host() + "', MASTER_PORT=" + port
                            + ", MASTER_USER='" + REPLICATION_USER + "', MASTER_PASSWORD='" + REPLICATION_PASSWORD
                            + "', MASTER_USE_GTID=slave_pos, MASTER_DELAY=" + delaySeconds,
                    "START SLAVE");
            replica.awaitReplicationRunning(Duration.ofSeconds(60));
            log.debug("local MariaDB replica on port {} replicates port {} with a {} s delay", replica.port, port,
                    delaySeconds);
            return replica;
        } catch (RuntimeException e) {
            replica.close();
            throw e;
        }
    }

    /** True when this server is a replica whose I/O and SQL threads both run. */
    public boolean isReplicating() {
        try (Connection c = rootConnection(); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
            return rs.next() && "Yes".equals(rs.getString("Slave_IO_Running"))
                    && "Yes".equals(rs.getString("Slave_SQL_Running"));
        } catch (SQLException e) {
            throw new IllegalStateException("SHOW SLAVE STATUS failed on local MariaDB: " + e.getMessage(), e);
        }
    }

    /**
     * On a replica: returns once it has applied everything {@code primary} had binlogged when this was called.
     *
     * @throws IllegalStateException when it has not within {@code timeout}
     */
    public void awaitCaughtUpWith(LocalMariaDb primary, Duration timeout) {
        String position;
        try (Connection c = primary.rootConnection(); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT @@gtid_binlog_pos")) {
            rs.next();
            position = rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the primary's GTID position: " + e.getMessage(), e);
        }
        try (Connection c = rootConnection();
             java.sql.PreparedStatement wait = c.prepareStatement("SELECT MASTER_GTID_WAIT(?, ?)")) {
            wait.setString(1, position);
            wait.setLong(2, Math.max(1, timeout.toSeconds()));
            try (java.sql.ResultSet rs = wait.executeQuery()) {
                rs.next();
                if (rs.getInt(1) != 0) {
                    throw new IllegalStateException("replica on port " + port + " did not reach GTID " + position
                            + " within " + timeout.toSeconds() + " s");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("MASTER_GTID_WAIT failed on the replica: " + e.getMessage(), e);
        }
    }

    private void awaitReplicationRunning(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try (Connection c = rootConnection(); Statement s = c.createStatement();
                 java.sql.ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
                if (rs.next()) {
                    if ("Yes".equals(rs.getString("Slave_IO_Running")) && "Yes".equals(rs.getString("Slave_SQL_Running"))) {
                        return;
                    }
                    last = "Slave_IO_Running=" + rs.getString("Slave_IO_Running") + ", Slave_SQL_Running="
                            + rs.getString("Slave_SQL_Running") + ", Last_IO_Error=" + rs.getString("Last_IO_Error")
                            + ", Last_SQL_Error=" + rs.getString("Last_SQL_Error");
                }
            } catch (SQLException e) {
                last = e.getMessage();
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for replication", e);
            }
        }
        throw new IllegalStateException("replication on port " + port + " did not start within "
                + timeout.toSeconds() + " s: " + last);
    }

    /** Starts (or restarts after {@link #stop()} / {@link #kill()}) the server process and waits until it accepts connections. */
    public synchronized LocalMariaDb startServer() {
        if (process != null && process.isAlive()) {
            return this;
        }
        try {
            List<String> command = new ArrayList<>();
            command.add(Binaries.require("mariadbd"));
            command.addAll(serverArgs);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("mariadbd.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start mariadbd: " + e.getMessage(), e);
        }
        awaitReady();
        log.debug("local MariaDB up on port {} in {}", port, dataDir);
        return this;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mariadbd exited with code " + process.exitValue()
                        + " during start-up; see " + dataDir.resolve("mariadbd.log") + ":\n" + tail());
            }
            try (Connection c = rootConnection(); Statement s = c.createStatement();
                 java.sql.ResultSet rs = s.executeQuery("SELECT @@datadir")) {
                rs.next();
                // A free port can be taken by another server between our probe and mariadbd's bind.
                if (!Path.of(rs.getString(1)).toAbsolutePath().normalize()
                        .equals(dataDir.toAbsolutePath().normalize())) {
                    throw new IllegalStateException("port " + port + " is served by another MariaDB ("
                            + rs.getString(1) + "); retry");
                }
                return;
            } catch (SQLException e) {
                last = e;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for mariadbd", e);
            }
        }
        throw new IllegalStateException("mariadbd did not accept connections on port " + port + " within "
                + START_TIMEOUT.toSeconds() + " s: " + (last == null ? "" : last.getMessage()) + "\n" + tail());
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("mariadbd.log"));
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

    private static void deleteRecursively(Path dir) {
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

    /** Options for a {@link LocalMariaDb}. */
    public static final class Builder {
        private boolean binlog = true;
        private long serverId = 1;
        private Path dataDir;
        private int port;
        private final List<String> extraArgs = new ArrayList<>();

        private Builder() {
        }

        /** Whether the binary log is on (ROW format, FULL row image). Default on. */
        public Builder binlog(boolean enabled) {
            this.binlog = enabled;
            return this;
        }

        public Builder serverId(long id) {
            this.serverId = id;
            return this;
        }

        /** Keep data in {@code dir} instead of a temporary directory deleted on close. */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** An extra {@code mariadbd} option such as {@code --log-slave-updates}. */
        public Builder serverArg(String arg) {
            extraArgs.add(arg);
            return this;
        }

        List<String> serverArgs(Path dir, int port) {
            List<String> args = new ArrayList<>(List.of(
                    "--no-defaults",
                    "--datadir=" + dir.toAbsolutePath(),
                    "--port=" + port,
                    "--socket=" + dir.toAbsolutePath().resolve("mysqld.sock"),
                    "--pid-file=" + dir.toAbsolutePath().resolve("mysqld.pid"),
                    "--bind-address=127.0.0.1",
                    "--server-id=" + serverId,
                    "--character-set-server=utf8mb4",
                    "--collation-server=utf8mb4_unicode_ci",
                    "--innodb-buffer-pool-size=64M",
                    "--innodb-log-file-size=48M",
                    "--max-connections=500",
                    "--skip-name-resolve",
                    // Each server its own tmpdir: concurrent servers must not share /tmp temp tables.
                    "--tmpdir=" + dir.toAbsolutePath(),
                    // A throwaway server: flush the redo log per commit to the OS, not to disk. A process
                    // kill still loses nothing; only an OS crash could, which tests do not do.
                    "--innodb-flush-log-at-trx-commit=2"));
            if (binlog) {
                args.addAll(List.of("--log-bin=binlog", "--binlog-format=ROW", "--binlog-row-image=FULL"));
            }
            if (isRoot()) {
                args.add("--user=root");
            }
            args.addAll(extraArgs);
            return args;
        }

        /** Initializes the data directory if needed and starts the server. */
        public LocalMariaDb start() {
            try {
                Path dir = dataDir != null ? dataDir : Files.createTempDirectory("cdc-runner-mariadb-");
                Files.createDirectories(dir);
                LocalMariaDb db = new LocalMariaDb(this, dir, port > 0 ? port : freePort());
                if (!Files.exists(dir.resolve("mysql"))) {
                    db.install();
                }
                return db.startServer();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static boolean isRoot() {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private void install() throws IOException {
        List<String> command = new ArrayList<>(List.of(Binaries.require("mariadb-install-db"),
                "--no-defaults", "--datadir=" + dataDir.toAbsolutePath(),
                "--auth-root-authentication-method=normal", "--skip-test-db",
                "--tmpdir=" + dataDir.toAbsolutePath()));
        if ("root".equals(System.getProperty("user.name"))) {
            command.add("--user=root");
        }
        Process install = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("install.log").toFile()))
                .start();
        try {
            if (!install.waitFor(120, TimeUnit.SECONDS) || install.exitValue() != 0) {
                throw new IllegalStateException("mariadb-install-db failed; see " + dataDir.resolve("install.log"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during mariadb-install-db", e);
        }
    }
}
