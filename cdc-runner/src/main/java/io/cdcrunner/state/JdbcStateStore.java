package io.cdcrunner.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.cdcrunner.config.JdbcTarget;
import io.cdcrunner.config.StateSettings;

/**
 * The state in tables of {@code state.jdbc.database}, which every instance of a pipeline reads: the offsets (one row
 * per pipeline, the same JSON as the offsets file, replaced in one statement), the schema history (one row per record,
 * in the order of a sequence the database assigns), the schema recoveries and the lease rows of {@code ha.enabled}.
 * Every write checks the pipeline's {@link Fence} in its transaction. Set-aside state keeps its rows under a label.
 *
 * <p>A schema history record is written with the next offsets, in their transaction: the engine records the tables'
 * definitions while its snapshot holds the server's global read lock, which would block an insert of its own, and
 * offsets never pass a statement whose record is not stored (a crash before reads the statement again).
 *
 * <p>The engine reaches the store through classes it instantiates by name; they find it with {@link #named}.
 */
public final class JdbcStateStore implements StateStore, AutoCloseable {

    /** Engine property carrying the pipeline name the engine's store classes find this store by. */
    public static final String STORE_PROPERTY = "cdc.runner.state.pipeline";

    private static final Map<String, JdbcStateStore> OPEN = new ConcurrentHashMap<>();
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String CURRENT = "";

    private final String pipeline;
    private final String database;
    private final String shownUrl;
    private final HikariDataSource dataSource;
    private final String offsets;
    private final String history;
    private final String recoveries;
    private final String leases;
    /** History records the engine stored since the last offsets write, oldest first. */
    private final List<String> pendingHistory = new ArrayList<>();

    private JdbcStateStore(String pipeline, StateSettings settings, HikariDataSource dataSource) {
        this.pipeline = pipeline;
        this.database = settings.database();
        this.shownUrl = settings.jdbc().shownUrl();
        this.dataSource = dataSource;
        this.offsets = "`" + database + "`.offsets";
        this.history = "`" + database + "`.schema_history";
        this.recoveries = "`" + database + "`.schema_recoveries";
        this.leases = leaseTable(settings);
    }

    /** {@code database.table} of the lease rows. */
    public static String leaseTable(StateSettings settings) {
        return "`" + settings.database() + "`.leases";
    }

    /**
     * Connects to the state server and creates the state tables if missing.
     *
     * @throws IllegalStateException naming the server and the keys to check when it cannot
     */
    public static JdbcStateStore open(String pipeline, StateSettings settings, HaSessionLimit limit) {
        HikariDataSource dataSource = pool(pipeline, settings.jdbc(), limit);
        JdbcStateStore store = new JdbcStateStore(pipeline, settings, dataSource);
        try {
            createTables(dataSource, settings);
        } catch (SQLException e) {
            dataSource.close();
            throw new IllegalStateException("cannot create the state tables in " + settings.database() + " on "
                    + store.shownUrl + ": " + e.getMessage() + "; grant CREATE, SELECT, INSERT, UPDATE on "
                    + settings.database() + ".* to the state user, or set state.jdbc.database", e);
        }
        OPEN.put(pipeline, store);
        return store;
    }

    /** The open store of a pipeline, for the engine's store classes. */
    public static JdbcStateStore named(String pipeline) {
        JdbcStateStore store = OPEN.get(pipeline);
        if (store == null) {
            throw new IllegalStateException("no JDBC state store is open for pipeline '" + pipeline + "'");
        }
        return store;
    }

    /** A pool for the state tables, whose sessions keep {@code limit} (see {@link HaSessionLimit}). */
    public static HikariDataSource pool(String pipeline, JdbcTarget target, HaSessionLimit limit) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName(pipeline + "-state");
        hikari.setJdbcUrl(target.url());
        hikari.setUsername(target.user());
        hikari.setPassword(target.password().reveal());
        hikari.setDataSourceProperties(target.driverProperties());
        hikari.setMaximumPoolSize(3);
        hikari.setMinimumIdle(0);
        hikari.setInitializationFailTimeout(-1);
        hikari.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        limit.applyTo(hikari, null);
        return new HikariDataSource(hikari);
    }

    /** Creates the state database and tables if missing. */
    public static void createTables(javax.sql.DataSource dataSource, StateSettings settings) throws SQLException {
        String database = settings.database();
        String offsets = "`" + database + "`.offsets";
        String history = "`" + database + "`.schema_history";
        String recoveries = "`" + database + "`.schema_recoveries";
        String leases = leaseTable(settings);
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS `" + database + "`");
            s.execute("CREATE TABLE IF NOT EXISTS " + offsets + " ("
                    + "pipeline VARCHAR(100) NOT NULL, "
                    + "label VARCHAR(200) NOT NULL DEFAULT '', "
                    + "offsets MEDIUMTEXT NOT NULL, "
                    + "epoch BIGINT NOT NULL DEFAULT 0, "
                    + "updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), "
                    + "PRIMARY KEY (pipeline, label)) DEFAULT CHARSET=utf8mb4");
            s.execute("CREATE TABLE IF NOT EXISTS " + history + " ("
                    + "seq BIGINT NOT NULL AUTO_INCREMENT, "
                    + "pipeline VARCHAR(100) NOT NULL, "
                    + "label VARCHAR(200) NOT NULL DEFAULT '', "
                    + "record LONGTEXT NOT NULL, "
                    + "epoch BIGINT NOT NULL DEFAULT 0, "
                    + "recorded_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), "
                    + "PRIMARY KEY (seq), KEY by_pipeline (pipeline, label, seq)) DEFAULT CHARSET=utf8mb4");
            s.execute("CREATE TABLE IF NOT EXISTS " + recoveries + " ("
                    + "seq BIGINT NOT NULL AUTO_INCREMENT, "
                    + "pipeline VARCHAR(100) NOT NULL, "
                    + "binlog_file VARCHAR(255) NOT NULL, "
                    + "binlog_pos BIGINT NOT NULL, "
                    + "statement LONGTEXT NOT NULL, "
                    + "epoch BIGINT NOT NULL DEFAULT 0, "
                    + "PRIMARY KEY (seq), KEY by_pipeline (pipeline, seq)) DEFAULT CHARSET=utf8mb4");
            s.execute("CREATE TABLE IF NOT EXISTS " + leases + " ("
                    + "pipeline VARCHAR(100) NOT NULL, "
                    + "epoch BIGINT NOT NULL, "
                    + "holder VARCHAR(255) NULL, "
                    + "acquired_at TIMESTAMP(6) NULL, "
                    + "PRIMARY KEY (pipeline)) DEFAULT CHARSET=utf8mb4");
        }
    }

    /** The pool of the state server, for the lease's epoch updates. */
    public javax.sql.DataSource dataSource() {
        return dataSource;
    }

    /** {@code database.table} of the lease rows. */
    public String leaseTable() {
        return leases;
    }

    @Override
    public Map<String, String> offsets() {
        return query(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT offsets FROM " + offsets
                    + " WHERE pipeline = ? AND label = ?")) {
                select.setString(1, pipeline);
                select.setString(2, CURRENT);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Map.of();
                    }
                    try {
                        return JSON.readValue(row.getString(1), new TypeReference<TreeMap<String, String>>() { });
                    } catch (IOException e) {
                        throw new UncheckedIOException("the offsets row of pipeline '" + pipeline + "' in " + offsets
                                + " is unreadable (" + e.getMessage() + "); restore it or delete it to start again"
                                + " from the binlog end", e);
                    }
                }
            }
        });
    }

    @Override
    public void writeOffsets(Map<String, String> values) {
        String text;
        try {
            text = JSON.writeValueAsString(new TreeMap<>(values));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> history = pendingHistory();
        write(c -> {
            insertHistory(c, history);
            try (PreparedStatement upsert = c.prepareStatement("INSERT INTO " + offsets
                    + " (pipeline, label, offsets, epoch, updated_at) VALUES (?, ?, ?, ?, NOW(6))"
                    + " ON DUPLICATE KEY UPDATE offsets = VALUES(offsets), epoch = VALUES(epoch),"
                    + " updated_at = VALUES(updated_at)")) {
                upsert.setString(1, pipeline);
                upsert.setString(2, CURRENT);
                upsert.setString(3, text);
                upsert.setLong(4, epoch());
                upsert.executeUpdate();
            }
        });
        synchronized (pendingHistory) {
            pendingHistory.subList(0, Math.min(history.size(), pendingHistory.size())).clear();
        }
    }

    private List<String> pendingHistory() {
        synchronized (pendingHistory) {
            return List.copyOf(pendingHistory);
        }
    }

    private void insertHistory(Connection c, List<String> records) throws SQLException {
        if (records.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + history
                + " (pipeline, label, record, epoch) VALUES (?, ?, ?, ?)")) {
            for (String record : records) {
                insert.setString(1, pipeline);
                insert.setString(2, CURRENT);
                insert.setString(3, record);
                insert.setLong(4, epoch());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    @Override
    public boolean hasSchemaHistory() {
        if (!pendingHistory().isEmpty()) {
            return true;
        }
        return query(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT 1 FROM " + history
                    + " WHERE pipeline = ? AND label = ? LIMIT 1")) {
                select.setString(1, pipeline);
                select.setString(2, CURRENT);
                try (ResultSet row = select.executeQuery()) {
                    return row.next();
                }
            }
        });
    }

    @Override
    public List<String> schemaHistory() {
        return query(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT record FROM " + history
                    + " WHERE pipeline = ? AND label = ? ORDER BY seq")) {
                select.setString(1, pipeline);
                select.setString(2, CURRENT);
                List<String> records = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        records.add(rows.getString(1));
                    }
                }
                records.addAll(pendingHistory());
                return records;
            }
        });
    }

    /** Appends one schema history record (the engine's JSON document), stored with the next offsets. */
    public void appendSchemaHistory(String record) {
        synchronized (pendingHistory) {
            pendingHistory.add(record);
        }
    }

    @Override
    public void setSchemaHistoryAside(String label) {
        discardPendingHistory();
        write(c -> relabel(c, history, label));
    }

    private void discardPendingHistory() {
        synchronized (pendingHistory) {
            pendingHistory.clear();
        }
    }

    @Override
    public void setStateAside(String label) {
        discardPendingHistory();
        write(c -> {
            relabel(c, offsets, label);
            relabel(c, history, label);
        });
    }

    private void relabel(Connection c, String table, String label) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE " + table + " SET label = ? WHERE pipeline = ?"
                + " AND label = ?")) {
            // A label used before (the same statement recovered twice) gets the time to stay apart.
            update.setString(1, label + "@" + System.currentTimeMillis());
            update.setString(2, pipeline);
            update.setString(3, CURRENT);
            update.executeUpdate();
        }
    }

    @Override
    public List<Recovery> recoveries() {
        return query(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT binlog_file, binlog_pos, statement FROM "
                    + recoveries + " WHERE pipeline = ? ORDER BY seq")) {
                select.setString(1, pipeline);
                List<Recovery> all = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        all.add(new Recovery(rows.getString(1), rows.getLong(2), rows.getString(3)));
                    }
                }
                return all;
            }
        });
    }

    @Override
    public void addRecovery(Recovery recovery) {
        write(c -> {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + recoveries
                    + " (pipeline, binlog_file, binlog_pos, statement, epoch) VALUES (?, ?, ?, ?, ?)")) {
                insert.setString(1, pipeline);
                insert.setString(2, recovery.file());
                insert.setLong(3, recovery.pos());
                insert.setString(4, recovery.statement());
                insert.setLong(5, epoch());
                insert.executeUpdate();
            }
        });
    }

    @Override
    public void configureEngine(Properties engine) {
        engine.setProperty("offset.storage", "io.cdcrunner.binlog.SharedOffsetStore");
        engine.setProperty(STORE_PROPERTY, pipeline);
        engine.setProperty("schema.history.internal", "io.cdcrunner.binlog.SharedSchemaHistory");
        engine.setProperty("schema.history.internal." + STORE_PROPERTY, pipeline);
    }

    @Override
    public String location() {
        return "state tables " + offsets + " and " + history + " on " + shownUrl + " (pipeline '" + pipeline + "')";
    }

    @Override
    public String howToReset() {
        return "delete the rows of pipeline '" + pipeline + "' from " + offsets + " and " + history
                + " (DELETE FROM " + offsets + " WHERE pipeline = '" + pipeline + "' AND label = '')";
    }

    @Override
    public String howToRebuildSchemaHistory() {
        return "UPDATE " + history + " SET label = 'incomplete' WHERE pipeline = '" + pipeline + "' AND label = ''";
    }

    private long epoch() {
        return Fence.currentEpoch(pipeline).orElse(0);
    }

    @Override
    public void close() {
        OPEN.remove(pipeline, this);
        dataSource.close();
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private interface Write {
        void run(Connection c) throws SQLException;
    }

    private <T> T query(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the state of pipeline '" + pipeline + "' from " + shownUrl
                    + ": " + e.getMessage(), e);
        }
    }

    /** One transaction: the fence check (a shared lock on the lease row), the write, the commit. */
    private void write(Write work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Fence.check(pipeline, c);
                work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the state of pipeline '" + pipeline + "' to " + shownUrl
                    + ": " + e.getMessage(), e);
        }
    }
}
