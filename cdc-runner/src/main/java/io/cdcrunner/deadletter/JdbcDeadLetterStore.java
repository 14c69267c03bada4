package io.cdcrunner.deadletter;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariDataSource;

import io.cdcrunner.config.JdbcTarget;
import io.cdcrunner.errors.Causes;
import io.cdcrunner.jdbc.HaSessionLimit;
import io.cdcrunner.jdbc.JdbcPools;
import io.cdcrunner.state.Fence;

/**
 * A {@link DeadLetterStore} in a MySQL/MariaDB table, {@code deadletter.jdbc.table} (created with its
 * database if missing), reached through {@code deadletter.jdbc.url/user/password}, which default to the
 * processor's database. Several pipelines may share the table: each sees and purges only the rows whose
 * {@code pipeline} is its own {@code pipeline.name}.
 *
 * <p>Columns: {@code id} (primary key), {@code pipeline}, {@code event} (the event as
 * {@link ChangeEventCodec} JSON), {@code error_class}, {@code error_message}, {@code stack_trace},
 * {@code attempts}, {@code first_failed_at}, {@code last_failed_at} ({@code TIMESTAMP(6)}, written in a UTC
 * session so no daylight-saving hour is ambiguous), {@code source_record} (a record the daemon could not map, as
 * Connect JSON; added to tables made before it existed). {@link #add} is an upsert in auto-commit mode: durable
 * once the server has committed it.
 */
public final class JdbcDeadLetterStore implements DeadLetterStore {

    private static final Pattern TABLE = Pattern.compile("[A-Za-z0-9_$]+\\.[A-Za-z0-9_$]+");
    private static final String COLUMNS = "id, pipeline, event, error_class, error_message, stack_trace, attempts, "
            + "UNIX_TIMESTAMP(first_failed_at), UNIX_TIMESTAMP(last_failed_at), source_record, ";
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(JdbcDeadLetterStore.class);

    // Written last in open(): reading it first makes the other fields visible to any thread.
    private volatile HikariDataSource dataSource;
    private String table;
    /** Whether the table has the {@code source_origin} column (an older table, and no grant to add it: not). */
    private boolean keepsOrigin = true;
    private String pipeline;
    private String shownUrl;

    /** Use {@link #open} (or {@link DeadLetterStores}) before anything else. */
    public JdbcDeadLetterStore() {
    }

    @Override
    public synchronized void open(DeadLetterStoreContext context) {
        String qualified = context.settings().jdbcTable();
        if (!TABLE.matcher(qualified).matches()) {
            throw new DeadLetterStoreException("deadletter.jdbc.table = \"" + qualified
                    + "\": expected database.table, each made of letters, digits, _ and $");
        }
        int dot = qualified.indexOf('.');
        String database = "`" + qualified.substring(0, dot) + "`";
        table = database + ".`" + qualified.substring(dot + 1) + "`";
        pipeline = context.pipelineName();
        shownUrl = withoutCredentials(context.jdbcUrl());
        dataSource = dataSource(context);
        try {
            createTable(database);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    private void createTable(String database) {
        run("create", () -> {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE IF NOT EXISTS " + database);
                s.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
                        + "id VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, "
                        + "pipeline VARCHAR(255) NOT NULL, "
                        + "event LONGTEXT NOT NULL, "
                        + "error_class VARCHAR(500) NOT NULL, "
                        + "error_message TEXT NOT NULL, "
                        + "stack_trace MEDIUMTEXT NOT NULL, "
                        + "attempts INT NOT NULL, "
                        // Explicit defaults: otherwise a server without explicit_defaults_for_timestamp
                        // would add ON UPDATE CURRENT_TIMESTAMP to the first one.
                        + "first_failed_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), "
                        + "last_failed_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), "
                        + "source_record LONGTEXT NULL, "
                        + "source_origin VARCHAR(512) NULL, "
                        + "PRIMARY KEY (id), "
                        + "KEY by_pipeline (pipeline, first_failed_at)"
                        + ") DEFAULT CHARSET=utf8mb4");
                addColumnIfMissing(c, "source_record", "LONGTEXT NULL");
                try {
                    addColumnIfMissing(c, "source_origin", "VARCHAR(512) NULL");
                } catch (SQLException e) {
                    // Not worth refusing to start over: the letters are kept, without where a Kafka source read them.
                    keepsOrigin = false;
                    log.warn("dead-letter table {} has no source_origin column and it cannot be added ({}): dead"
                            + " letters will not record the Kafka topic-partition@offset they were read at; run"
                            + " ALTER TABLE {} ADD COLUMN source_origin VARCHAR(512) NULL", table, e.getMessage(), table);
                }
            }
            return null;
        });
    }

    /**
     * Tables made by earlier versions lack the later columns (unmapped records, Kafka origins); MySQL has no
     * ADD COLUMN IF NOT EXISTS.
     */
    private void addColumnIfMissing(Connection c, String column, String definition) throws SQLException {
        if (hasColumn(c, column)) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE " + table + " ADD COLUMN " + column + " " + definition);
        } catch (SQLException e) {
            // Another instance sharing the table may have added it meanwhile.
            if (!hasColumn(c, column)) {
                throw e;
            }
        }
    }

    private boolean hasColumn(Connection c, String column) throws SQLException {
        int dot = table.indexOf("`.`");
        try (PreparedStatement has = c.prepareStatement("SELECT COUNT(*) FROM information_schema.columns"
                + " WHERE table_schema = ? AND table_name = ? AND column_name = ?")) {
            has.setString(1, table.substring(1, dot));
            has.setString(2, table.substring(dot + 3, table.length() - 1));
            has.setString(3, column);
            try (ResultSet rs = has.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        }
    }

    private String columns() {
        return COLUMNS + (keepsOrigin ? "source_origin" : "NULL");
    }

    private HikariDataSource dataSource(DeadLetterStoreContext context) {
        try {
            // Failures are rare; two connections let the daemon and a reader overlap. A fenced store's transaction
            // must not outlive a hung holder (it would hold the lease row against the takeover).
            return JdbcPools.to(new JdbcTarget(context.jdbcUrl(), context.jdbcUser(), context.jdbcPassword()),
                            context.pipelineName() + "-deadletters")
                    .driverProperties(context.jdbcProperties())
                    .size(2, 0)
                    .sessionLimit(new HaSessionLimit(context.idleTransactionLimitSeconds()))
                    .sessionAssignments("time_zone = '+00:00'")
                    .open();
        } catch (RuntimeException e) {
            throw new DeadLetterStoreException("cannot connect the dead-letter store to " + shownUrl + ": "
                    + Causes.innermostMessage(e) + "; check deadletter.jdbc.url/user/password (they default to the"
                    + " processor's)", e);
        }
    }

    @Override
    public void add(DeadLetter letter) {
        run("write to", () -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement upsert = c.prepareStatement(
                    "INSERT INTO " + table + " (id, pipeline, event, error_class, error_message, stack_trace, "
                            + "attempts, first_failed_at, last_failed_at, source_record" + (keepsOrigin ? ", source_origin" : "")
                            + ") VALUES (?, ?, ?, ?, ?, ?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?), ?" + (keepsOrigin ? ", ?" : "")
                            + ") "
                            + "ON DUPLICATE KEY UPDATE pipeline = VALUES(pipeline), event = VALUES(event), "
                            + "error_class = VALUES(error_class), error_message = VALUES(error_message), "
                            + "stack_trace = VALUES(stack_trace), attempts = VALUES(attempts), "
                            + "first_failed_at = LEAST(first_failed_at, VALUES(first_failed_at)), "
                            + "last_failed_at = VALUES(last_failed_at), source_record = VALUES(source_record)"
                            + (keepsOrigin ? ", source_origin = VALUES(source_origin)" : ""))) {
                c.setAutoCommit(false);
                // With ha.enabled, a deposed instance stores no letter after the takeover: its events are the new
                // holder's now.
                Fence.check(pipeline, c);
                upsert.setString(1, letter.id());
                upsert.setString(2, letter.pipeline());
                upsert.setString(3, ChangeEventCodec.toJson(letter.event()));
                upsert.setString(4, letter.errorClass());
                upsert.setString(5, letter.errorMessage());
                upsert.setString(6, letter.stackTrace());
                upsert.setInt(7, letter.attempts());
                upsert.setBigDecimal(8, epochSeconds(letter.firstFailedAt()));
                upsert.setBigDecimal(9, epochSeconds(letter.lastFailedAt()));
                upsert.setString(10, letter.sourceRecord());
                if (keepsOrigin) {
                    upsert.setString(11, letter.origin());
                }
                upsert.executeUpdate();
                c.commit();
            }
            return null;
        });
    }

    @Override
    public List<DeadLetter> list() {
        return run("read", () -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement select = c.prepareStatement(
                    "SELECT " + columns() + " FROM " + table + " WHERE pipeline = ? ORDER BY first_failed_at, id")) {
                select.setString(1, pipeline);
                List<DeadLetter> letters = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        letters.add(letter(rows));
                    }
                }
                return List.copyOf(letters);
            }
        });
    }

    @Override
    public Optional<DeadLetter> get(String id) {
        return run("read", () -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement select = c.prepareStatement(
                    "SELECT " + columns() + " FROM " + table + " WHERE id = ? AND pipeline = ?")) {
                select.setString(1, id);
                select.setString(2, pipeline);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(letter(rows)) : Optional.<DeadLetter>empty();
                }
            }
        });
    }

    @Override
    public boolean remove(String id) {
        return run("delete from", () -> delete("id = ? AND pipeline = ?", id, pipeline) > 0);
    }

    @Override
    public int purge() {
        return run("delete from", () -> delete("pipeline = ?", pipeline));
    }

    @Override
    public int size() {
        return run("read", () -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement count = c.prepareStatement(
                    "SELECT COUNT(*) FROM " + table + " WHERE pipeline = ?")) {
                count.setString(1, pipeline);
                try (ResultSet rows = count.executeQuery()) {
                    rows.next();
                    return rows.getInt(1);
                }
            }
        });
    }

    @Override
    public synchronized void close() {
        if (dataSource != null) {
            dataSource.close();
        }
    }

    private int delete(String where, String... parameters) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement delete = c.prepareStatement("DELETE FROM " + table + " WHERE " + where)) {
            c.setAutoCommit(true);
            for (int i = 0; i < parameters.length; i++) {
                delete.setString(i + 1, parameters[i]);
            }
            return delete.executeUpdate();
        }
    }

    private static DeadLetter letter(ResultSet rows) throws SQLException {
        String id = rows.getString(1);
        try {
            return new DeadLetter(id, rows.getString(2), ChangeEventCodec.fromJson(rows.getString(3)),
                    rows.getString(4), rows.getString(5), rows.getString(6), rows.getInt(7),
                    instant(rows.getBigDecimal(8)), instant(rows.getBigDecimal(9)), rows.getString(10),
                    rows.getString(11));
        } catch (IllegalArgumentException e) {
            throw new SQLException("the row with id '" + id + "' holds no valid dead letter (" + e.getMessage()
                    + "): repair or delete it", e);
        }
    }

    private static BigDecimal epochSeconds(Instant instant) {
        return BigDecimal.valueOf(instant.getEpochSecond()).add(BigDecimal.valueOf(instant.getNano(), 9));
    }

    private static Instant instant(BigDecimal epochSeconds) {
        BigDecimal seconds = epochSeconds.setScale(0, java.math.RoundingMode.FLOOR);
        return Instant.ofEpochSecond(seconds.longValueExact(),
                epochSeconds.subtract(seconds).movePointRight(9).intValueExact());
    }

    private interface SqlAction<T> {
        T run() throws SQLException;
    }

    private <T> T run(String what, SqlAction<T> action) {
        if (dataSource == null || dataSource.isClosed()) {
            throw new IllegalStateException("the dead-letter store is not open");
        }
        try {
            return action.run();
        } catch (SQLException e) {
            throw new DeadLetterStoreException("cannot " + what + " the dead-letter table " + table + " at "
                    + shownUrl + ": " + e.getMessage() + "; check deadletter.jdbc.url/user/password/table "
                    + "and that the user may create and write that table", e);
        }
    }

    /** The URL without its query and user info, either of which may carry a password. */
    static String withoutCredentials(String url) {
        return new JdbcTarget(url, "", new io.cdcrunner.config.Secret("")).shownUrl();
    }
}
