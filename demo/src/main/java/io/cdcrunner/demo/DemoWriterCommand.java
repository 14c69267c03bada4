package io.cdcrunner.demo;

import io.cdcrunner.load.DemoWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Callable;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cdc-runner demo-writer}: the demo's writer against a database of your own (the Docker Compose demo uses it
 * against MySQL): inserts orders at a steady rate, one row per transaction, then exits.
 */
@Command(name = "demo-writer", description = "Insert demo orders into an existing MySQL/MariaDB database at a "
        + "steady rate (the writer of the Docker Compose demo). The password comes from the environment variable "
        + "DEMO_DB_PASSWORD or --password-file, never from the command line.")
public final class DemoWriterCommand implements Callable<Integer> {

    @Option(names = "--jdbc-url", required = true, paramLabel = "URL",
            description = "e.g. jdbc:mysql://mysql:3306/shop")
    String jdbcUrl;

    @Option(names = "--user", required = true, description = "Database user with INSERT on the table.")
    String user;

    @Option(names = "--password-file", paramLabel = "FILE", description = "File holding the password.")
    Path passwordFile;

    @Option(names = "--table", defaultValue = "shop.orders", description = "Default: ${DEFAULT-VALUE}")
    String table;

    @Option(names = "--create-table", description = "Create the table if it does not exist.")
    boolean createTable;

    @Option(names = "--rows", defaultValue = "100000", description = "Rows to insert. Default: ${DEFAULT-VALUE}")
    int rows;

    @Option(names = "--families", defaultValue = "500", description = "Distinct customers. Default: ${DEFAULT-VALUE}")
    int families;

    @Option(names = "--writers", defaultValue = "2", description = "Concurrent connections. Default: ${DEFAULT-VALUE}")
    int writers;

    @Option(names = "--rate", defaultValue = "50", description = "Inserts per second in total. Default: ${DEFAULT-VALUE}")
    int rate;

    @Option(names = "--wait", defaultValue = "120", paramLabel = "SECONDS",
            description = "How long to wait for the database to accept connections. Default: ${DEFAULT-VALUE}")
    long waitSeconds;

    @Override
    public Integer call() throws Exception {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(jdbcUrl);
        hikari.setUsername(user);
        hikari.setPassword(password());
        hikari.setMaximumPoolSize(writers + 1);
        // Fail fast per attempt: awaitDatabase retries until --wait is over.
        hikari.setInitializationFailTimeout(-1);
        try (HikariDataSource pool = new HikariDataSource(hikari)) {
            if (!awaitDatabase(pool)) {
                System.err.println("the database at " + jdbcUrl + " did not accept connections within " + waitSeconds + " s");
                return 1;
            }
            if (createTable) {
                try (Connection c = pool.getConnection()) {
                    DemoWriter.createSchema(c, table);
                }
            }
            DemoWriter writer = new DemoWriter(pool, table, rows, families, writers, rate);
            System.out.printf("writing %,d orders for %,d customers into %s at %,d/s...%n", rows, families, table, rate);
            long started = System.nanoTime();
            writer.run();
            System.out.printf("wrote %,d orders in %.1f s%n", writer.written(), (System.nanoTime() - started) / 1e9);
            return writer.written() == rows ? 0 : 1;
        }
    }

    private String password() throws java.io.IOException {
        if (passwordFile != null) {
            return Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
        }
        String fromEnv = System.getenv("DEMO_DB_PASSWORD");
        return fromEnv == null ? "" : fromEnv;
    }

    private boolean awaitDatabase(HikariDataSource pool) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
        while (true) {
            try (Connection c = pool.getConnection()) {
                return c.isValid(5);
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(1_000);
            }
        }
    }
}
