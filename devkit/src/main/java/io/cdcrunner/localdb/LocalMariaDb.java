package io.cdcrunner.localdb;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throwaway MariaDB server (see {@link LocalServer}). Needs the {@code mariadbd} and {@code mariadb-install-db}
 * programs (Debian package {@code mariadb-server}).
 */
public final class LocalMariaDb extends LocalServer {

    private static final Logger log = LoggerFactory.getLogger(LocalMariaDb.class);

    private LocalMariaDb(Builder<LocalMariaDb> builder, Path dataDir, int port) {
        super(builder, dataDir, port);
    }

    public static Builder<LocalMariaDb> builder() {
        return new Builder<>(LocalMariaDb::new, "cdc-runner-mariadb-");
    }

    /** True when this machine has the MariaDB server programs this class needs. */
    public static boolean isAvailable() {
        return Binaries.find("mariadbd") != null && Binaries.find("mariadb-install-db") != null;
    }

    @Override
    public Flavor flavor() {
        return Flavor.MARIADB;
    }

    @Override
    String program() {
        return Binaries.require("mariadbd");
    }

    @Override
    Path logFile() {
        return dataDir().resolve("mariadbd.log");
    }

    @Override
    List<String> serverArgs(LocalServer.Builder<?> builder, Path dir, int port) {
        List<String> args = new ArrayList<>(List.of(
                "--no-defaults",
                "--datadir=" + dir,
                "--port=" + port,
                "--socket=" + dir.resolve("mysqld.sock"),
                "--pid-file=" + dir.resolve("mysqld.pid"),
                "--bind-address=127.0.0.1",
                "--server-id=" + builder.serverId,
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_unicode_ci",
                "--innodb-buffer-pool-size=64M",
                "--innodb-log-file-size=48M",
                "--max-connections=500",
                "--skip-name-resolve",
                // Each server its own tmpdir: concurrent servers must not share /tmp temp tables.
                "--tmpdir=" + dir,
                // A throwaway server: flush the redo log per commit to the OS, not to disk. A process
                // kill still loses nothing; only an OS crash could, which tests do not do.
                "--innodb-flush-log-at-trx-commit=2"));
        if (builder.binlog) {
            args.addAll(List.of("--log-bin=binlog", "--binlog-format=ROW", "--binlog-row-image=FULL"));
        }
        if (isRoot()) {
            args.add("--user=root");
        }
        args.addAll(builder.extraArgs);
        return args;
    }

    @Override
    public synchronized LocalMariaDb startServer() {
        super.startServer();
        return this;
    }

    @Override
    String replicaStatus() {
        return "SHOW SLAVE STATUS";
    }

    @Override
    String replicaColumnPrefix() {
        return "Slave";
    }

    @Override
    public void createCdcUser(String user, String password) {
        execute("CREATE USER IF NOT EXISTS '" + user + "'@'%' IDENTIFIED BY '" + password + "'",
                "CREATE USER IF NOT EXISTS '" + user + "'@'localhost' IDENTIFIED BY '" + password + "'",
                "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, RELOAD, SHOW DATABASES, REPLICATION SLAVE, "
                        + "REPLICATION CLIENT, BINLOG MONITOR ON *.* TO '" + user + "'@'%'",
                "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, RELOAD, SHOW DATABASES, REPLICATION SLAVE, "
                        + "REPLICATION CLIENT, BINLOG MONITOR ON *.* TO '" + user + "'@'localhost'");
    }

    @Override
    public String gtidPosition() {
        return queryString("SELECT @@gtid_binlog_pos");
    }

    /**
     * {@inheritDoc} MariaDB: {@code --log-slave-updates}, {@code MASTER_USE_GTID=slave_pos} and
     * {@code MASTER_DELAY}.
     */
    @Override
    public LocalMariaDb startReplica(long replicaServerId, int delaySeconds) {
        checkReplicaId(replicaServerId);
        execute("CREATE USER IF NOT EXISTS '" + REPLICATION_USER + "'@'%' IDENTIFIED BY '" + REPLICATION_PASSWORD + "'",
                "GRANT REPLICATION SLAVE ON *.* TO '" + REPLICATION_USER + "'@'%'");
        LocalMariaDb replica = builder().serverId(replicaServerId).serverArg("--log-slave-updates").start();
        try {
            replica.execute("CHANGE MASTER TO MASTER_HOST='" + host() + "', MASTER_PORT=" + port()
                            + ", MASTER_USER='" + REPLICATION_USER + "', MASTER_PASSWORD='" + REPLICATION_PASSWORD
                            + "', MASTER_USE_GTID=slave_pos, MASTER_DELAY=" + delaySeconds,
                    "START SLAVE");
            replica.awaitReplicationRunning(Duration.ofSeconds(60));
            log.debug("local MariaDB replica on port {} replicates port {} with a {} s delay", replica.port(), port(),
                    delaySeconds);
            return replica;
        } catch (RuntimeException e) {
            replica.close();
            throw e;
        }
    }

    /** {@inheritDoc} MariaDB: {@code MASTER_GTID_WAIT} on the primary's {@code gtid_binlog_pos}. */
    @Override
    public void awaitCaughtUpWith(LocalServer primary, Duration timeout) {
        String position = primary.gtidPosition();
        try (Connection c = rootConnection();
             PreparedStatement wait = c.prepareStatement("SELECT MASTER_GTID_WAIT(?, ?)")) {
            wait.setString(1, position);
            wait.setLong(2, Math.max(1, timeout.toSeconds()));
            try (ResultSet rs = wait.executeQuery()) {
                rs.next();
                if (rs.getInt(1) != 0) {
                    throw new IllegalStateException("replica on port " + port() + " did not reach GTID " + position
                            + " within " + timeout.toSeconds() + " s");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("MASTER_GTID_WAIT failed on the replica: " + e.getMessage(), e);
        }
    }

    @Override
    void install() throws IOException {
        Path dir = dataDir().toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(Binaries.require("mariadb-install-db"),
                "--no-defaults", "--datadir=" + dir,
                "--auth-root-authentication-method=normal", "--skip-test-db",
                "--tmpdir=" + dir));
        if (isRoot()) {
            command.add("--user=root");
        }
        Process install = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("install.log").toFile()))
                .start();
        try {
            if (!install.waitFor(120, TimeUnit.SECONDS) || install.exitValue() != 0) {
                throw new IllegalStateException("mariadb-install-db failed; see " + dir.resolve("install.log"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during mariadb-install-db", e);
        }
    }
}
