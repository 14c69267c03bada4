package io.cdcrunner.testdb;

import io.cdcrunner.localdb.LocalMariaDb;

/** A throwaway local MariaDB with a binlog. */
public final class MariaDbTestDatabase implements TestDatabase {

    private final LocalMariaDb db;

    public MariaDbTestDatabase() {
        this(LocalMariaDb.builder().start());
    }

    /** A test database on a server started with options of its own; {@link #close} stops it. */
    public MariaDbTestDatabase(LocalMariaDb server) {
        this.db = server;
    }

    public LocalMariaDb server() {
        return db;
    }

    @Override
    public String host() {
        return db.host();
    }

    @Override
    public int port() {
        return db.port();
    }

    @Override
    public String jdbcUrl(String database) {
        return db.jdbcUrl(database);
    }

    @Override
    public String rootUser() {
        return "root";
    }

    @Override
    public String rootPassword() {
        return "";
    }

    @Override
    public void createCdcUser(String user, String password) {
        db.createCdcUser(user, password);
    }

    @Override
    public void close() {
        db.close();
    }
}
