package io.cdcrunner.testdb;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.localdb.LocalServer;

/** A throwaway local server, MariaDB or MySQL 8.0, with a binlog and GTIDs; {@link #close} stops it. */
public final class LocalTestDatabase implements TestDatabase {

    private final LocalServer db;

    /** Starts a server of {@code flavor} with the dev kit's defaults. */
    public LocalTestDatabase(Flavor flavor) {
        this(flavor.builder().start());
    }

    /** A test database on a server started with options of its own; {@link #close} stops it. */
    public LocalTestDatabase(LocalServer server) {
        this.db = server;
    }

    @Override
    public Flavor flavor() {
        return db.flavor();
    }

    @Override
    public LocalServer server() {
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
