package io.cdcrunner.localdb;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throwaway MySQL Community Server 8.0 (see {@link LocalServer} and {@link MySqlDistribution} for where it comes
 * from): a binlog in ROW format with a FULL row image, GTIDs on unless {@link Builder#gtids(boolean) turned off},
 * the server's own TLS certificates in its data directory ({@link #caCertificate()}), and users created with
 * MySQL's default authentication, {@code caching_sha2_password}.
 */
public final class LocalMySql extends LocalServer {

    private static final Logger log = LoggerFactory.getLogger(LocalMySql.class);

    private final boolean gtids;

    private LocalMySql(Builder<LocalMySql> builder, Path dataDir, int port) {
        super(builder, dataDir, port);
        this.gtids = builder.gtids && builder.binlog;
    }

    public static Builder<LocalMySql> builder() {
        return new Builder<>(LocalMySql::new, "cdc-runner-mysql-");
    }

    /** True when the MySQL tarball is on the class path and this machine can run it (Linux x86-64). */
    public static boolean isAvailable() {
        return MySqlDistribution.isAvailable();
    }

    /** The server version the dev kit runs. */
    public static String version() {
        return MySqlDistribution.VERSION;
    }

    @Override
    public Flavor flavor() {
        return Flavor.MYSQL;
    }

    /** True when this server runs with {@code gtid_mode=ON}. */
    public boolean gtids() {
        return gtids;
    }

    /** The certificate authority that signed the server's own TLS certificate (MySQL makes both at initialization). */
    public Path caCertificate() {
        return dataDir().resolve("ca.pem");
    }

    @Override
    String program() {
        return MySqlDistribution.home().resolve("bin/mysqld").toString();
    }

    @Override
    Path logFile() {
        return dataDir().resolve("mysqld.log");
    }

    @Override
    List<String> serverArgs(LocalServer.Builder<?> builder, Path dir, int port) {
        List<String> args = new ArrayList<>(List.of(
                "--no-defaults",
                "--basedir=" + MySqlDistribution.home(),
                "--datadir=" + dir,
                "--port=" + port,
                "--socket=" + dir.resolve("mysqld.sock"),
                "--pid-file=" + dir.resolve("mysqld.pid"),
                "--log-error=" + dir.resolve("mysqld.log"),
                "--bind-address=127.0.0.1",
                "--mysqlx=OFF",
                "--server-id=" + builder.serverId,
                "--innodb-buffer-pool-size=64M",
                "--max-connections=500",
                "--skip-name-resolve",
                "--tmpdir=" + dir,
                // A throwaway server: no flush to disk per commit (a process kill still loses nothing).
                "--innodb-flush-log-at-trx-commit=2",
                "--sync-binlog=0"));
        if (builder.binlog) {
            args.addAll(List.of("--log-bin=binlog", "--binlog-format=ROW", "--binlog-row-image=FULL"));
            if (builder.gtids) {
                args.addAll(List.of("--gtid-mode=ON", "--enforce-gtid-consistency=ON"));
            }
        } else {
            args.add("--skip-log-bin");
        }
        if (isRoot()) {
            args.add("--user=root");
        }
        args.addAll(builder.extraArgs);
        return args;
    }

    @Override
    void install() throws IOException {
        MySqlDistribution.copyTemplate(dataDir().toAbsolutePath());
    }

    @Override
    public synchronized LocalMySql startServer() {
        try {
            super.startServer();
        } catch (IllegalStateException e) {
            String hint = libraryHint(e.getMessage());
            throw hint.isEmpty() ? e : new IllegalStateException(e.getMessage() + hint, e);
        }
        return this;
    }

    /** A hint when the server could not load a shared library Debian packages. */
    static String libraryHint(String output) {
        if (output != null && output.contains("error while loading shared libraries")) {
            return "\nMySQL needs libaio1 and libnuma1: sudo apt-get install libaio1 libnuma1 (make test installs them "
                    + "when run as root)";
        }
        return "";
    }

    @Override
    String replicaStatus() {
        return "SHOW REPLICA STATUS";
    }

    @Override
    String replicaColumnPrefix() {
        return "Replica";
    }

    @Override
    public void createCdcUser(String user, String password) {
        String grants = "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, RELOAD, SHOW DATABASES, REPLICATION SLAVE, "
                + "REPLICATION CLIENT ON *.* TO ";
        execute("CREATE USER IF NOT EXISTS '" + user + "'@'%' IDENTIFIED BY '" + password + "'",
                "CREATE USER IF NOT EXISTS '" + user + "'@'localhost' IDENTIFIED BY '" + password + "'",
                grants + "'" + user + "'@'%'",
                grants + "'" + user + "'@'localhost'");
    }

    /** {@inheritDoc} MySQL: {@code gtid_executed}. */
    @Override
    public String gtidPosition() {
        return queryString("SELECT @@GLOBAL.gtid_executed");
    }

    /**
     * {@inheritDoc} MySQL: the replica logs what it applies ({@code log_replica_updates}, on by default), follows the
     * primary by GTID auto-positioning (by file and position when GTIDs are off) with {@code SOURCE_DELAY}, and
     * fetches the primary's RSA key for its {@code caching_sha2_password} replication user.
     */
    @Override
    public LocalMySql startReplica(long replicaServerId, int delaySeconds) {
        checkReplicaId(replicaServerId);
        execute("CREATE USER IF NOT EXISTS '" + REPLICATION_USER + "'@'%' IDENTIFIED BY '" + REPLICATION_PASSWORD + "'",
                "GRANT REPLICATION SLAVE ON *.* TO '" + REPLICATION_USER + "'@'%'");
        LocalMySql replica = builder().serverId(replicaServerId).gtids(gtids).start();
        try {
            String position = gtids ? "SOURCE_AUTO_POSITION=1" : "SOURCE_LOG_FILE='binlog.000001', SOURCE_LOG_POS=4";
            replica.execute("CHANGE REPLICATION SOURCE TO SOURCE_HOST='" + host() + "', SOURCE_PORT=" + port()
                            + ", SOURCE_USER='" + REPLICATION_USER + "', SOURCE_PASSWORD='" + REPLICATION_PASSWORD
                            + "', GET_SOURCE_PUBLIC_KEY=1, " + position + ", SOURCE_DELAY=" + delaySeconds,
                    "START REPLICA");
            replica.awaitReplicationRunning(Duration.ofSeconds(60));
            log.debug("local MySQL replica on port {} replicates port {} with a {} s delay", replica.port(), port(),
                    delaySeconds);
            return replica;
        } catch (RuntimeException e) {
            replica.close();
            throw e;
        }
    }

    /**
     * {@inheritDoc} MySQL: {@code WAIT_FOR_EXECUTED_GTID_SET} on the primary's {@code gtid_executed}, or
     * {@code SOURCE_POS_WAIT} on its binlog position when GTIDs are off.
     */
    @Override
    public void awaitCaughtUpWith(LocalServer primary, Duration timeout) {
        long seconds = Math.max(1, timeout.toSeconds());
        String target;
        String sql;
        List<Object> args = new ArrayList<>();
        if (gtids) {
            target = primary.gtidPosition();
            sql = "SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)";
            args.add(target);
        } else {
            String[] fileAndPosition = binlogPosition(primary);
            target = fileAndPosition[0] + ":" + fileAndPosition[1];
            sql = "SELECT SOURCE_POS_WAIT(?, ?, ?)";
            args.add(fileAndPosition[0]);
            args.add(Long.parseLong(fileAndPosition[1]));
        }
        args.add(seconds);
        try (Connection c = rootConnection(); PreparedStatement wait = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                wait.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = wait.executeQuery()) {
                rs.next();
                long result = rs.getLong(1);
                if (rs.wasNull() || (gtids ? result != 0 : result < 0)) {
                    throw new IllegalStateException("replica on port " + port() + " did not reach " + target
                            + " within " + seconds + " s");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("waiting for the replica failed: " + e.getMessage(), e);
        }
    }

    private static String[] binlogPosition(LocalServer primary) {
        try (Connection c = primary.rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
            if (!rs.next()) {
                throw new IllegalStateException("the primary on port " + primary.port() + " has no binlog");
            }
            return new String[] {rs.getString("File"), rs.getString("Position")};
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the primary's binlog position: " + e.getMessage(), e);
        }
    }
}
