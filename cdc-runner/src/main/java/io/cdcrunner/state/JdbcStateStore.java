package io.cdcrunner.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.zaxxer.hikari.HikariDataSource;

import io.cdcrunner.config.JdbcTarget;
import io.cdcrunner.config.StateSettings;
import io.cdcrunner.jdbc.HaSessionLimit;

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

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String CURRENT = SchemaHistoryRows.CURRENT;
    /** The offsets table's row holding the backfill record, beside the offsets' row ({@link #CURRENT}). */
    private static final String BACKFILL_LABEL = "backfill";

    private final String pipeline;
    private final StateServer server;
    private final String offsets;
    private final String history;
    private final String leases;
    private final SchemaHistoryRows historyRows;
    private final RecoveryRows recoveryRows;

    private JdbcStateStore(String pipeline, StateTables tables, StateServer server) {
        this.pipeline = pipeline;
        this.server = server;
        this.offsets = tables.offsets();
        this.history = tables.history();
        this.leases = tables.leases();
        this.historyRows = new SchemaHistoryRows(pipeline, history, server);
        this.recoveryRows = new RecoveryRows(pipeline, tables.recoveries(), server);
    }

    /** {@code database.table} of the lease rows. */
    public static String leaseTable(StateSettings settings) {
        return StateTables.of(settings).leases();
    }

    /**
     * Connects to the state server and creates the state tables if missing.
     *
     * @throws IllegalStateException naming the server and the keys to check when it cannot
     */
    public static JdbcStateStore open(String pipeline, StateSettings settings, HaSessionLimit limit) {
        StateTables tables = StateTables.of(settings);
        StateServer server = new StateServer(pipeline, settings.jdbc().shownUrl(),
                StateServer.pool(pipeline, settings.jdbc(), limit));
        JdbcStateStore store = new JdbcStateStore(pipeline, tables, server);
        try {
            tables.create(server.dataSource());
        } catch (SQLException e) {
            server.close();
            throw new IllegalStateException("cannot create the state tables in " + settings.database() + " on "
                    + server.shownUrl() + ": " + e.getMessage() + "; grant CREATE, SELECT, INSERT, UPDATE on "
                    + settings.database() + ".* to the state user, or set state.jdbc.database", e);
        }
        OpenStateStores.register(pipeline, store);
        return store;
    }

    /** The open store of a pipeline, for the engine's store classes. */
    public static JdbcStateStore named(String pipeline) {
        return OpenStateStores.named(pipeline);
    }

    /**
     * A pool for the state tables, named {@code name-state}, whose sessions keep {@code limit} (see
     * {@link HaSessionLimit}).
     */
    public static HikariDataSource pool(String name, JdbcTarget target, HaSessionLimit limit) {
        return StateServer.pool(name, target, limit);
    }

    /** Creates the state database and tables if missing. */
    public static void createTables(javax.sql.DataSource dataSource, StateSettings settings) throws SQLException {
        StateTables.of(settings).create(dataSource);
    }

    /** The pool of the state server, for the lease's epoch updates. */
    public javax.sql.DataSource dataSource() {
        return server.dataSource();
    }

    /** {@code database.table} of the lease rows. */
    public String leaseTable() {
        return leases;
    }

    @Override
    public Map<String, String> offsets() {
        return server.query(c -> {
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
        List<String> history = historyRows.pending();
        server.write(c -> {
            historyRows.insert(c, history);
            upsertOffsetsRow(c, CURRENT, text);
        });
        historyRows.written(history);
    }

    @Override
    public java.util.Optional<String> backfillRecord() {
        return server.query(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT offsets FROM " + offsets
                    + " WHERE pipeline = ? AND label = ?")) {
                select.setString(1, pipeline);
                select.setString(2, BACKFILL_LABEL);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? java.util.Optional.of(row.getString(1)) : java.util.Optional.<String>empty();
                }
            }
        });
    }

    @Override
    public void writeBackfillRecord(String json) {
        server.write(c -> upsertOffsetsRow(c, BACKFILL_LABEL, json));
    }

    /** Writes the offsets table's row of this pipeline and {@code label}, under the current epoch. */
    private void upsertOffsetsRow(java.sql.Connection c, String label, String text) throws java.sql.SQLException {
        try (PreparedStatement upsert = c.prepareStatement("INSERT INTO " + offsets
                + " (pipeline, label, offsets, epoch, updated_at) VALUES (?, ?, ?, ?, NOW(6))"
                + " ON DUPLICATE KEY UPDATE offsets = VALUES(offsets), epoch = VALUES(epoch),"
                + " updated_at = VALUES(updated_at)")) {
            upsert.setString(1, pipeline);
            upsert.setString(2, label);
            upsert.setString(3, text);
            upsert.setLong(4, server.epoch());
            upsert.executeUpdate();
        }
    }

    @Override
    public boolean hasSchemaHistory() {
        return historyRows.any();
    }

    @Override
    public List<String> schemaHistory() {
        return historyRows.all();
    }

    /** Appends one schema history record (the engine's JSON document), stored with the next offsets. */
    public void appendSchemaHistory(String record) {
        historyRows.append(record);
    }

    @Override
    public void setSchemaHistoryAside(String label) {
        historyRows.discardPending();
        server.write(c -> SchemaHistoryRows.relabel(c, history, pipeline, label));
    }

    @Override
    public void setStateAside(String label) {
        historyRows.discardPending();
        server.write(c -> {
            SchemaHistoryRows.relabel(c, offsets, pipeline, label);
            SchemaHistoryRows.relabel(c, history, pipeline, label);
        });
    }

    @Override
    public List<Recovery> recoveries() {
        return recoveryRows.all();
    }

    @Override
    public void addRecovery(Recovery recovery) {
        recoveryRows.add(recovery);
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
        return "state tables " + offsets + " and " + history + " on " + server.shownUrl() + " (pipeline '" + pipeline + "')";
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

    @Override
    public void close() {
        OpenStateStores.unregister(pipeline, this);
        server.close();
    }
}
