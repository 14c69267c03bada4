package io.cdcrunner.testdb;

import org.testcontainers.DockerClientFactory;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.localdb.LocalServer;
import org.testcontainers.mysql.MySQLContainer;

/**
 * MySQL 8.4 with GTIDs on, in a container; only where a Docker engine runs. The local {@link LocalTestDatabase}
 * runs MySQL 8.0 everywhere; this one keeps what only 8.4 has ({@code SHOW BINARY LOG STATUS}, {@code SHOW
 * REPLICAS}) under test.
 */
public final class DockerMySqlTestDatabase implements TestDatabase {

    private final MySQLContainer container;

    public DockerMySqlTestDatabase() {
        container = new MySQLContainer("mysql:8.4")
                .withCommand("--server-id=1", "--log-bin=binlog", "--binlog-format=ROW", "--binlog-row-image=FULL",
                        "--gtid-mode=ON", "--enforce-gtid-consistency=ON");
        container.start();
    }

    /** True when Testcontainers can reach a Docker engine. */
    public static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    @Override
    public Flavor flavor() {
        return Flavor.MYSQL;
    }

    @Override
    public String host() {
        return container.getHost();
    }

    @Override
    public int port() {
        return container.getMappedPort(3306);
    }

    @Override
    public String jdbcUrl(String database) {
        return "jdbc:mysql://" + host() + ":" + port() + "/" + database + "?useSSL=false&allowPublicKeyRetrieval=true";
    }

    @Override
    public String rootUser() {
        return "root";
    }

    @Override
    public String rootPassword() {
        return container.getPassword();
    }

    @Override
    public void createCdcUser(String user, String password) {
        execute("CREATE USER IF NOT EXISTS '" + user + "'@'%' IDENTIFIED BY '" + password + "'",
                "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, RELOAD, SHOW DATABASES, REPLICATION SLAVE, "
                        + "REPLICATION CLIENT ON *.* TO '" + user + "'@'%'");
    }

    @Override
    public void close() {
        container.stop();
    }
}
