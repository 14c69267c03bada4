package io.cdcrunner.testdb;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.localdb.LocalServer;

/**
 * A real database server for integration tests: a local MariaDB or MySQL 8.0 ({@link LocalTestDatabase}), or MySQL
 * 8.4 in a container ({@link DockerMySqlTestDatabase}).
 */
public interface TestDatabase extends AutoCloseable {

    Flavor flavor();

    String host();

    int port();

    /** A JDBC URL for {@code database} ("" for none). */
    String jdbcUrl(String database);

    String rootUser();

    String rootPassword();

    /** Creates a user with the grants cdc-runner documents as required (plus writes for processors). */
    void createCdcUser(String user, String password);

    /**
     * The local server behind this database, to stop, kill, restart or replicate it.
     *
     * @throws UnsupportedOperationException for a server in a container
     */
    default LocalServer server() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " is not a local server");
    }

    default Connection rootConnection() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(""), rootUser(), rootPassword());
    }

    default void execute(String... sql) {
        try (Connection c = rootConnection(); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + e.getMessage(), e);
        }
    }

    @Override
    void close();
}
