package io.cdcrunner.demo;

import io.cdcrunner.load.DemoWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A server the demo did not start (e.g. MySQL 8.4 in Docker, as `make demo` uses where no MariaDB can be
 * installed). The demo recreates {@code shop.orders} and the {@code cdc} user there, so point it only at a
 * throwaway server.
 */
final class ExternalDemoDatabase {

    interface DemoRun {
        int run(ExternalDemoDatabase db) throws Exception;
    }

    private final String host;
    private final int port;
    private final String rootPassword;

    ExternalDemoDatabase(String hostPort, String rootPassword) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--db " + hostPort + ": expected HOST:PORT, e.g. 127.0.0.1:33306");
        }
        this.host = hostPort.substring(0, colon);
        this.port = Integer.parseInt(hostPort.substring(colon + 1));
        this.rootPassword = rootPassword;
    }

    int run(DemoRun demo) throws Exception {
        System.out.printf("Using the server at %s:%d...%n", host, port);
        try (Connection c = DriverManager.getConnection(jdbcUrl(""), rootUser(), rootPassword);
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS shop");
            s.execute("DROP TABLE IF EXISTS shop.orders, shop.customer_totals");
            s.execute("CREATE USER IF NOT EXISTS 'cdc'@'%' IDENTIFIED BY '" + DemoCommand.PASSWORD + "'");
            grantReplication(s);
            DemoWriter.createSchema(c, "shop.orders");
        }
        return demo.run(this);
    }

    private static void grantReplication(Statement s) throws SQLException {
        String common = "SELECT, INSERT, UPDATE, DELETE, CREATE, RELOAD, SHOW DATABASES, REPLICATION SLAVE, ";
        try {
            s.execute("GRANT " + common + "REPLICATION CLIENT ON *.* TO 'cdc'@'%'");
        } catch (SQLException e) {
            // MariaDB 10.5+ names the binlog-position privilege BINLOG MONITOR.
            s.execute("GRANT " + common + "BINLOG MONITOR ON *.* TO 'cdc'@'%'");
        }
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    String rootUser() {
        return "root";
    }

    String rootPassword() {
        return rootPassword;
    }

    String jdbcUrl(String database) {
        return "jdbc:mysql://" + host + ":" + port + "/" + database + "?useSSL=false&allowPublicKeyRetrieval=true";
    }
}
