package io.cdcrunner.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.localdb.LocalServer;
import io.cdcrunner.processor.ProcessorConfig;
import io.cdcrunner.processor.builtin.FamilyAggregateProcessor;
import io.cdcrunner.processor.builtin.FamilySettings;

/**
 * The database side of a fault test: a local server (MariaDB or MySQL) with the {@code faults.orders} table the writer fills,
 * the audit table the test processors write, the daemon's user, and the checks run after a fault.
 */
final class FaultDatabase implements AutoCloseable {

    static final String TABLE = "faults.orders";
    static final String AUDIT = "faults.audit";
    static final String SUMMARY = "faults.customer_totals";
    static final String LEDGER = "cdc_runner.processed_events";
    static final String PIPELINE = "faults";
    static final String USER = "cdc";
    static final String PASSWORD = "cdc-fault-secret";

    private final LocalServer server;
    private final HikariDataSource pool;

    private FaultDatabase(LocalServer server) {
        this.server = server;
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("fault-test-root");
        hikari.setJdbcUrl(server.jdbcUrl(""));
        hikari.setUsername("root");
        hikari.setPassword("");
        hikari.setMaximumPoolSize(4);
        hikari.setMinimumIdle(0);
        hikari.setConnectionTimeout(60_000);
        this.pool = new HikariDataSource(hikari);
    }

    /** A new throwaway MariaDB with the schema and the daemon's user. */
    static FaultDatabase start() {
        return start(Flavor.MARIADB);
    }

    /** A new throwaway server of {@code flavor} with the schema and the daemon's user. */
    static FaultDatabase start(Flavor flavor) {
        return create(flavor.builder().start());
    }

    /** Sets up the schema and user on a running server and takes ownership of it (closing it on close). */
    static FaultDatabase create(LocalServer server) {
        prepare(server);
        return new FaultDatabase(server);
    }

    /** Takes ownership of a running server whose schema and user {@link #prepare} already set up. */
    static FaultDatabase attach(LocalServer server) {
        return new FaultDatabase(server);
    }

    /** Creates the daemon's user, the source table and the audit table, if missing. */
    static void prepare(LocalServer server) {
        server.createCdcUser(USER, PASSWORD);
        server.execute("CREATE DATABASE IF NOT EXISTS faults",
                "CREATE TABLE IF NOT EXISTS " + TABLE + " (id BIGINT PRIMARY KEY, customer_id INT NOT NULL, "
                        + "amount DECIMAL(12,2) NOT NULL, KEY by_customer (customer_id))",
                "CREATE TABLE IF NOT EXISTS " + AUDIT + " (row_id BIGINT PRIMARY KEY, times INT NOT NULL, "
                        + "last_amount DECIMAL(12,2) NULL)");
    }

    LocalServer server() {
        return server;
    }

    DataSource pool() {
        return pool;
    }

    /** Connection settings and state of the daemon's configuration, without the processor. */
    Map<String, String> baseConfig(Path stateDir) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("pipeline.name", PIPELINE);
        props.put("source.host", server.host());
        props.put("source.port", String.valueOf(server.port()));
        props.put("source.user", USER);
        props.put("source.password", PASSWORD);
        props.put("source.tables", TABLE);
        props.put("state.dir", stateDir.toString());
        props.put("engine.poll.interval.ms", "10");
        props.put("shutdown.timeout.ms", "20000");
        props.put("processor.ledger.table", LEDGER);
        return props;
    }

    /** The processor keys for {@link AuditingFamilyProcessor}. */
    static Map<String, String> auditingProcessor() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("processor.class", AuditingFamilyProcessor.class.getName());
        props.put("processor.audit.table", AUDIT);
        props.putAll(familyKeys());
        return props;
    }

    /** The processor keys for {@link PoisonProcessor}, failing on {@code failIds} (none when empty). */
    static Map<String, String> poisonProcessor(List<Long> failIds) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("processor.class", PoisonProcessor.class.getName());
        props.put("processor.audit.table", AUDIT);
        if (!failIds.isEmpty()) {
            props.put("processor.fail.ids", String.join(",", failIds.stream().map(String::valueOf).toList()));
        }
        return props;
    }

    private static Map<String, String> familyKeys() {
        return Map.of("processor.family.table", TABLE,
                "processor.family.column", "customer_id",
                "processor.family.value.column", "amount",
                "processor.family.summary.table", SUMMARY);
    }

    /** Writes a properties file as a user would. */
    static Path writeConfig(Path file, Map<String, String> props) {
        StringBuilder text = new StringBuilder();
        props.forEach((k, v) -> text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Ids of the rows in the source table. */
    Set<Long> rowIds() throws SQLException {
        return query("SELECT id FROM " + TABLE, rs -> {
            Set<Long> ids = new HashSet<>();
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
            return ids;
        });
    }

    /** Audit table: row id to the number of times its effect was applied. */
    Map<Long, Integer> auditTimes() throws SQLException {
        return query("SELECT row_id, times FROM " + AUDIT, rs -> {
            Map<Long, Integer> times = new HashMap<>();
            while (rs.next()) {
                times.put(rs.getLong(1), rs.getInt(2));
            }
            return times;
        });
    }

    String text(String sql) throws SQLException {
        return query(sql, rs -> {
            rs.next();
            return rs.getString(1);
        });
    }

    long count(String sql) throws SQLException {
        return query(sql, rs -> {
            rs.next();
            return rs.getLong(1);
        });
    }

    private interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /**
     * Runs a query, retrying on a lost connection: after the server was restarted the pool may still hand out
     * connections to the old process.
     */
    private <T> T query(String sql, Reader<T> reader) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery(sql)) {
                return reader.read(rs);
            } catch (SQLException e) {
                boolean connectionLost = e.getSQLState() != null && e.getSQLState().startsWith("08");
                if (!connectionLost || attempt == 5) {
                    throw e;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** Rows of the source table that have no audit row yet; for polling until processed. */
    long unprocessed() throws SQLException {
        return count("SELECT COUNT(*) FROM " + TABLE + " t LEFT JOIN " + AUDIT + " a ON a.row_id = t.id "
                + "WHERE a.row_id IS NULL");
    }

    /**
     * Rows whose last applied effect saw another amount than the table holds now (the processor missed the row's
     * current values), as {@code id: applied -> in table}; empty when every effect is current.
     */
    List<String> staleEffects() throws SQLException {
        return query("SELECT t.id, a.last_amount, t.amount FROM " + TABLE + " t JOIN " + AUDIT + " a ON a.row_id = t.id"
                + " WHERE NOT (a.last_amount <=> t.amount) ORDER BY t.id", rs -> {
                    List<String> stale = new ArrayList<>();
                    while (rs.next()) {
                        stale.add(rs.getLong(1) + ": " + rs.getBigDecimal(2) + " -> " + rs.getBigDecimal(3));
                    }
                    return stale;
                });
    }

    /** Ledger entries of the pipeline whose event id starts with {@code prefix}; -1 when there is no ledger table. */
    long ledgerEntries(String prefix) {
        try {
            return count("SELECT COUNT(*) FROM " + LEDGER + " WHERE pipeline = '" + PIPELINE
                    + "' AND event_id LIKE '" + prefix + "%'");
        } catch (SQLException e) {
            return -1;
        }
    }

    /** Compares the source table with the audit table. */
    Verdict verdict() throws SQLException {
        Set<Long> rows = rowIds();
        Map<Long, Integer> audit = auditTimes();
        List<Long> lost = new ArrayList<>();
        for (long id : rows) {
            if (!audit.containsKey(id)) {
                lost.add(id);
            }
        }
        Map<Long, Integer> repeated = new java.util.TreeMap<>();
        List<Long> unknown = new ArrayList<>();
        audit.forEach((id, times) -> {
            if (times != 1) {
                repeated.put(id, times);
            }
            if (!rows.contains(id)) {
                unknown.add(id);
            }
        });
        lost.sort(null);
        unknown.sort(null);
        return new Verdict(rows.size(), audit.size(), lost, repeated, unknown);
    }

    /** Family summaries that differ from a fresh GROUP BY; empty when exact. */
    List<String> familyMismatches() throws SQLException {
        FamilySettings settings = FamilySettings.from(new ProcessorConfig(Map.of(
                FamilySettings.TABLE, TABLE, FamilySettings.COLUMN, "customer_id",
                FamilySettings.VALUE_COLUMN, "amount", FamilySettings.SUMMARY_TABLE, SUMMARY)));
        return FamilyAggregateProcessor.mismatches(pool, settings);
    }

    @Override
    public void close() {
        pool.close();
        server.close();
    }

    /**
     * The outcome of a fault run, from the database alone.
     *
     * @param rows     rows in the source table
     * @param audited  distinct rows whose effect was applied
     * @param lost     rows never processed, in id order
     * @param repeated audited rows whose effect was applied other than once, id to times
     * @param unknown  audited ids that are not in the source table
     */
    record Verdict(long rows, long audited, List<Long> lost, Map<Long, Integer> repeated, List<Long> unknown) {

        String describe() {
            return "rows " + rows + ", audited " + audited + ", lost " + lost.size() + sample(lost)
                    + ", applied more than once " + repeated.size() + sample(repeated.entrySet())
                    + ", audited but not in the table " + unknown.size() + sample(unknown);
        }

        private static String sample(java.util.Collection<?> values) {
            return values.isEmpty() ? "" : " " + values.stream().limit(10).toList() + (values.size() > 10 ? "..." : "");
        }
    }
}
