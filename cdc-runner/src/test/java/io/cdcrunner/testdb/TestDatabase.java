package io.cdcrunner.testdb;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** A real database server for integration tests: a local MariaDB, or MySQL in a container. */
public interface TestDatabase extends AutoCloseable {

    String host();

    int port();

    /** A JDBC URL for {@code database} ("" for none). */
    String jdbcUrl(String database);

    String rootUser();

    String rootPassword();

    /** Creates a user with the grants cdc-runner documents as required (plus writes for processors). */
    void createCdcUser(String user, String password);

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
