package io.cdcrunner.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.state.Fence;

/**
 * The ledger of events a {@link io.cdcrunner.processor.TransactionalProcessor} committed: one row per
 * event id, written in the processor's own transaction, so an event's effects and its ledger entry commit
 * or roll back together. With {@code ha.enabled} each transaction first checks the lease's {@link Fence} (a deposed
 * instance commits nothing after a takeover) and each row records the epoch of the instance that committed it.
 *
 * <p>Entries are written under {@link ChangeEvent#eventId()}. Ledgers of earlier versions hold binlog changes under
 * {@link ChangeEvent#positionEventId()}; while {@link #matchPositionIds(boolean)} is on, an event counts as recorded
 * when either of its ids is.
 */
public final class Ledger {

    /** Events per statement of {@link #recordNew}: 5 parameters each, far below the server's 65,535. */
    private static final int ROWS_PER_INSERT = 1000;

    private final String table;
    private final String pipeline;
    private volatile boolean matchPositionIds = true;

    /** @param table {@code database.table}, already validated as two plain identifiers */
    public Ledger(String table, String pipeline) {
        this.table = table;
        this.pipeline = pipeline;
    }

    /**
     * Whether an event also counts as recorded when its {@link ChangeEvent#positionEventId() binlog-form id} is (on by
     * default): entries written before ids had a GTID form are found. A binlog-form id names a place in one server's
     * binlog only; once the source reads another server's binlog, the same id may name another change there, so
     * turn it off then (after a failover) and the old entries match nothing.
     */
    public void matchPositionIds(boolean on) {
        this.matchPositionIds = on;
    }

    /** Creates the ledger's database and table if missing. */
    public void create(DataSource dataSource) throws SQLException {
        String database = table.substring(0, table.indexOf('.'));
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS " + database);
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
                    + "pipeline VARCHAR(100) NOT NULL, "
                    + "event_id VARCHAR(255) NOT NULL, "
                    + "binlog_file VARCHAR(255) NOT NULL, "
                    + "binlog_pos BIGINT NOT NULL, "
                    + "recorded_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), "
                    + "epoch BIGINT NULL, "
                    + "PRIMARY KEY (pipeline, event_id), "
                    + "KEY by_position (pipeline, binlog_file, binlog_pos), "
                    + "KEY by_age (pipeline, recorded_at))");
            addEpochColumnIfMissing(c, database);
        }
        if (!holdsPositionIds(dataSource)) {
            // Nothing written by an earlier version: no event can match an entry under its binlog-form id.
            matchPositionIds(false);
        }
    }

    /** Whether the pipeline's entries include one of the binlog form ({@code file:position:row}, earlier versions). */
    private boolean holdsPositionIds(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("SELECT 1 FROM "
                + table + " WHERE pipeline = ? AND event_id NOT LIKE 'gtid:%' AND event_id NOT LIKE 'snapshot:%' "
                + "LIMIT 1")) {
            s.setString(1, pipeline);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Ledgers made before {@code ha.enabled} lack the epoch column; MySQL has no ADD COLUMN IF NOT EXISTS. */
    private void addEpochColumnIfMissing(Connection c, String database) throws SQLException {
        try (PreparedStatement has = c.prepareStatement("SELECT COUNT(*) FROM information_schema.columns"
                + " WHERE table_schema = ? AND table_name = ? AND column_name = 'epoch'")) {
            has.setString(1, database);
            has.setString(2, table.substring(table.indexOf('.') + 1));
            try (ResultSet rs = has.executeQuery()) {
                rs.next();
                if (rs.getInt(1) > 0) {
                    return;
                }
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE " + table + " ADD COLUMN epoch BIGINT NULL");
        } catch (SQLException e) {
            // Another instance may have added it meanwhile; otherwise the grant is missing.
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT epoch FROM " + table
                    + " LIMIT 0")) {
                return;
            } catch (SQLException missing) {
                throw e;
            }
        }
    }

    private Object epoch() {
        var epoch = Fence.currentEpoch(pipeline);
        return epoch.isPresent() ? epoch.getAsLong() : null;
    }

    /**
     * Records the event in {@code transaction}.
     *
     * @return false if the event is already recorded, under either id (a redelivery: skip it)
     */
    public boolean record(Connection transaction, ChangeEvent event) throws SQLException {
        Fence.check(pipeline, transaction);
        if (matchPositionIds && !event.positionEventId().equals(event.eventId())
                && !recordedAmong(transaction, List.of(event)).isEmpty()) {
            return false;
        }
        try (PreparedStatement insert = transaction.prepareStatement("INSERT INTO " + table
                + " (pipeline, event_id, binlog_file, binlog_pos, epoch) VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, pipeline);
            insert.setString(2, event.eventId());
            insert.setString(3, event.position().binlogFile());
            insert.setLong(4, event.position().binlogPosition());
            insert.setObject(5, epoch());
            insert.executeUpdate();
            return true;
        } catch (SQLIntegrityConstraintViolationException duplicate) {
            return false;
        }
    }

    /**
     * Records the events of a group in {@code transaction} that are not recorded yet: one query (per {@value
     * #ROWS_PER_INSERT} events) finds those that are, one multi-row insert (per {@value #ROWS_PER_INSERT}) records the
     * others. A concurrent insert of the same id makes the insert fail and the transaction roll back; the retry then
     * finds it recorded.
     *
     * @return the events not recorded before, in their order (a redelivery's committed events left out)
     */
    public List<ChangeEvent> recordNew(Connection transaction, List<ChangeEvent> events) throws SQLException {
        Fence.check(pipeline, transaction);
        Object epoch = epoch();
        Set<String> recorded = recordedAmong(transaction, events);
        List<ChangeEvent> fresh = new ArrayList<>(events.size());
        Set<String> seen = new HashSet<>();
        for (ChangeEvent event : events) {
            // An id twice in one group (a snapshot row read twice) is one event.
            if (!recorded.contains(event.eventId()) && seen.add(event.eventId())) {
                fresh.add(event);
            }
        }
        for (int from = 0; from < fresh.size(); from += ROWS_PER_INSERT) {
            List<ChangeEvent> chunk = fresh.subList(from, Math.min(fresh.size(), from + ROWS_PER_INSERT));
            StringBuilder insert = new StringBuilder("INSERT INTO ").append(table)
                    .append(" (pipeline, event_id, binlog_file, binlog_pos, epoch) VALUES ");
            for (int i = 0; i < chunk.size(); i++) {
                insert.append(i == 0 ? "(?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?)");
            }
            try (PreparedStatement statement = transaction.prepareStatement(insert.toString())) {
                int parameter = 1;
                for (ChangeEvent event : chunk) {
                    statement.setString(parameter++, pipeline);
                    statement.setString(parameter++, event.eventId());
                    statement.setString(parameter++, event.position().binlogFile());
                    statement.setLong(parameter++, event.position().binlogPosition());
                    statement.setObject(parameter++, epoch);
                }
                statement.executeUpdate();
            }
        }
        return fresh;
    }

    /** The ids of those of {@code events} already recorded, read through {@code connection}. */
    public Set<String> recorded(Connection connection, List<ChangeEvent> events) throws SQLException {
        return recordedAmong(connection, events);
    }

    /** The {@link ChangeEvent#eventId()}s of those of {@code events} recorded under either id: one query per chunk. */
    private Set<String> recordedAmong(Connection transaction, List<ChangeEvent> events) throws SQLException {
        boolean positionIds = matchPositionIds;
        Set<String> recorded = new HashSet<>();
        for (int from = 0; from < events.size(); from += ROWS_PER_INSERT) {
            List<ChangeEvent> chunk = events.subList(from, Math.min(events.size(), from + ROWS_PER_INSERT));
            // Each id looked up, and the event ids it stands for (a binlog-form id for the event whose id it was).
            Map<String, List<String>> lookups = new HashMap<>(chunk.size() * 4);
            for (ChangeEvent event : chunk) {
                String id = event.eventId();
                lookups.computeIfAbsent(id, any -> new ArrayList<>(1)).add(id);
                String positionId = positionIds ? event.positionEventId() : id;
                if (!positionId.equals(id)) {
                    lookups.computeIfAbsent(positionId, any -> new ArrayList<>(1)).add(id);
                }
            }
            StringBuilder query = new StringBuilder("SELECT event_id FROM ").append(table)
                    .append(" WHERE pipeline = ? AND event_id IN (");
            for (int i = 0; i < lookups.size(); i++) {
                query.append(i == 0 ? "?" : ", ?");
            }
            try (PreparedStatement select = transaction.prepareStatement(query.append(')').toString())) {
                select.setString(1, pipeline);
                int parameter = 2;
                for (String id : lookups.keySet()) {
                    select.setString(parameter++, id);
                }
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        List<String> eventIds = lookups.get(rows.getString(1));
                        if (eventIds != null) {
                            recorded.addAll(eventIds);
                        }
                    }
                }
            }
        }
        return recorded;
    }

    /** Entries per prune statement: a long DELETE would hold the processor's transactions back for seconds. */
    private static final int ROWS_PER_PRUNE = 2_000;
    private static final long PRUNE_PAUSE_MS = 20;

    /**
     * Deletes the entries of events before the given binlog position, {@value #ROWS_PER_PRUNE} per statement. Safe
     * only for a position the recorded offset has passed: the engine never delivers those events again.
     *
     * @return entries deleted
     */
    public int pruneBefore(DataSource dataSource, String binlogFile, long binlogPosition) throws SQLException {
        return pruneBefore(dataSource, binlogFile, binlogPosition, null);
    }

    /**
     * As {@link #pruneBefore(DataSource, String, long)}, only entries recorded at or after {@code since} (by the
     * database's clock; null: any time): those whose positions name the binlog the source reads now.
     *
     * @return entries deleted
     */
    public int pruneBefore(DataSource dataSource, String binlogFile, long binlogPosition, java.sql.Timestamp since)
            throws SQLException {
        return prune(dataSource, "(binlog_file < ? OR (binlog_file = ? AND binlog_pos < ?))"
                + (since == null ? "" : " AND recorded_at >= ?"), delete -> {
                    delete.setString(2, binlogFile);
                    delete.setString(3, binlogFile);
                    delete.setLong(4, binlogPosition);
                    if (since != null) {
                        delete.setTimestamp(5, since);
                    }
                });
    }

    /**
     * Deletes the entries recorded more than {@code retention} ago (by the database's clock), as
     * {@link #pruneBefore} does: for a source whose redeliveries come within that time.
     *
     * @return entries deleted
     */
    public int pruneOlderThan(DataSource dataSource, java.time.Duration retention) throws SQLException {
        return prune(dataSource, "recorded_at < NOW(6) - INTERVAL ? MICROSECOND",
                delete -> delete.setLong(2, retention.toNanos() / 1_000));
    }

    /**
     * Deletes the entries recorded before {@code cut} that are also older than {@code keep} (by the database's clock):
     * the entries of earlier runs, once any failover would have delivered their events again.
     *
     * @return entries deleted
     */
    public int pruneRecordedBefore(DataSource dataSource, java.sql.Timestamp cut, java.time.Duration keep)
            throws SQLException {
        return prune(dataSource, "recorded_at < ? AND recorded_at < NOW(6) - INTERVAL ? MICROSECOND", delete -> {
            delete.setTimestamp(2, cut);
            delete.setLong(3, keep.toNanos() / 1_000);
        });
    }

    /** The ledger database's clock ({@code NOW(6)}), the clock {@code recorded_at} is written by. */
    public java.sql.Timestamp databaseTime(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT NOW(6)")) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }

    private interface Parameters {
        void set(PreparedStatement delete) throws SQLException;
    }

    private int prune(DataSource dataSource, String condition, Parameters parameters) throws SQLException {
        int total = 0;
        int deleted;
        do {
            // A connection per statement: the pool's connections serve the lanes between them.
            try (Connection c = dataSource.getConnection();
                 PreparedStatement delete = c.prepareStatement("DELETE FROM " + table + " WHERE pipeline = ? AND "
                         + condition + " LIMIT " + ROWS_PER_PRUNE)) {
                c.setAutoCommit(false);
                try {
                    Fence.check(pipeline, c);
                    delete.setString(1, pipeline);
                    parameters.set(delete);
                    deleted = delete.executeUpdate();
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
                total += deleted;
            }
            if (deleted == ROWS_PER_PRUNE) {
                // A breath between statements: the lanes' transactions come first.
                try {
                    Thread.sleep(PRUNE_PAUSE_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return total;
                }
            }
        } while (deleted == ROWS_PER_PRUNE);
        return total;
    }
}
