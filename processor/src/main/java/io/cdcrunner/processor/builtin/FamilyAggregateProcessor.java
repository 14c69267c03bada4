package io.cdcrunner.processor.builtin;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.NonRetryableException;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.ProcessorContext;
import io.cdcrunner.processor.Row;
import io.cdcrunner.processor.TransactionalGroupProcessor;

/**
 * Keeps one summary row per family of rows up to date: whenever a row of the family table is inserted,
 * updated or deleted, the whole family is read back and its count, sum, minimum and maximum of the value
 * column and the highest id are written to the summary table. Example: orders grouped by customer.
 *
 * <h2>Configuration</h2>
 * See {@link FamilySettings}: {@code processor.family.table}, {@code processor.family.column},
 * {@code processor.family.value.column}, {@code processor.family.id.column} (default {@code id}) and
 * {@code processor.family.summary.table} (default {@code <table>_family_summary}, created if missing with
 * columns {@code family_key, row_count, value_sum, value_min, value_max, max_id, updated_at}).
 *
 * <h2>Exactness</h2>
 * Each family is recomputed from all of its rows, never adjusted by deltas, so a redelivered event
 * changes nothing and the summary equals a fresh {@code GROUP BY} (check it with {@link #mismatches}).
 * A family whose last row is deleted loses its summary row. An update that moves a row to another family
 * recomputes both. A {@code TRUNCATE} or {@code DROP} of the family table (a table event) deletes every summary
 * row: at that point in the binlog the table has no rows, and every row written after it comes with its own event,
 * processed after the table event, that recomputes its family. This needs {@code source.operations} to list
 * {@code insert,update,delete,truncate,drop}; {@link #open} warns about the ones left out. Rows whose family column is NULL belong to no family. Use an integer or DECIMAL value
 * column: sums of FLOAT/DOUBLE depend on summation order and are not exact.
 *
 * <h2>Effectively once, and concurrency</h2>
 * It is a {@link TransactionalGroupProcessor}: the daemon runs each ordering key's events of a batch in one
 * transaction together with their ledger entries, so a redelivered event is skipped, and a family is computed once
 * per group however many of its rows the group holds. In that transaction the processor first locks
 * the summary rows of every family the events touch (creating them if missing, in key order, so two lanes cannot
 * deadlock on them; a deadlock reported anyway is retried by the daemon) and only then reads the families, so
 * computations of one family run one after the other even when several lanes process its rows (events are ordered
 * per row unless {@code processor.ordering.column} names the family column), and the last one to commit has read
 * everything the earlier ones read, whatever the isolation level (under REPEATABLE READ the first read fixes what
 * the transaction sees: it comes after every lock). An update moving a row between families touches both.
 * Called without a transaction ({@link #process(ChangeEvent)}), it opens its own.
 *
 * <h2>Reading the family from a replica</h2>
 * When the daemon gives the processor a read server of its own ({@code processor.read.url}, see
 * {@link ProcessorContext#readDataSource()}), the family is read there, outside the transaction; the summary
 * row's lock and upsert stay in the transaction on the primary. Summaries stay exact because (1) the daemon's
 * visibility barrier runs before the processor, so the read server already shows the event's row and every
 * row committed before it; (2) the read comes after the summary row's lock, so the computations of one
 * family still run one after the other, and each reads the read server later than the one before; (3) a
 * replica applies transactions in commit order, so a later read never sees less. The computation for a
 * family's last event therefore commits last and has read every row of the family. This needs
 * {@code processor.read.url} to name one server, and a barrier ({@code processor.read.visibility} other than
 * {@code off}); without one, a summary can miss rows the replica had not applied yet.
 */
public final class FamilyAggregateProcessor implements TransactionalGroupProcessor {

    private static final Logger log = LoggerFactory.getLogger(FamilyAggregateProcessor.class);
    private static final int MAX_ATTEMPTS = 5;
    private static final int MAX_KEY_LENGTH = 191;
    private static final int NO_SUCH_TABLE = 1146;

    private DataSource dataSource;
    /** Whether the data source's transactions are READ COMMITTED (the daemon's pools are), asked once. */
    private boolean readCommitted;
    /** Where families are read when the daemon gives a read server other than the primary, else {@code null}. */
    private DataSource readServer;
    private FamilySql sql;

    /** Created by the daemon, configured in {@link #open}. */
    public FamilyAggregateProcessor() {
    }

    /**
     * Reads and checks the configuration, checks the family table's columns and creates the summary table
     * if it does not exist.
     *
     * @throws IllegalArgumentException when a key is missing or names a missing or unusable table or column
     */
    @Override
    public void open(ProcessorContext context) throws SQLException {
        FamilySettings settings = FamilySettings.from(context.config());
        dataSource = context.dataSource();
        readServer = context.readDataSource() != dataSource ? context.readDataSource() : null;
        try (Connection connection = dataSource.getConnection()) {
            sql = FamilySql.inspect(connection, settings);
            readCommitted = connection.getTransactionIsolation() == Connection.TRANSACTION_READ_COMMITTED;
            try (Statement statement = connection.createStatement()) {
                statement.execute(sql.createSummary());
            }
            String index = sql.familyIndex(connection);
            if (!index.equals("covering")) {
                // A family is recomputed from all its rows on every change: how it finds them decides the cost.
                log.warn("{} has {} index beginning with {}: each family computation {}; add INDEX ({}, {}) to read "
                                + "a family from the index alone", sql.table,
                        index.equals("none") ? "no" : "no covering", settings.familyColumn(),
                        index.equals("none") ? "scans the whole table" : "looks each row up in the table too",
                        settings.familyColumn(), settings.valueColumn());
            }
        }
        log.info("summarizing families of {} by {} into {}{}", sql.table, settings.familyColumn(), sql.summary,
                readServer != null ? ", reading families from the processor's read server" : "");
        Set<Operation> missing = EnumSet.allOf(Operation.class);
        missing.removeAll(context.operations());
        if (!missing.isEmpty()) {
            log.warn("source.operations leaves out {}: the summaries in {} will not follow those changes of {}; list "
                    + "insert,update,delete,truncate,drop to keep them equal to the table", missing, sql.summary, sql.table);
        }
    }

    /**
     * Recomputes, once each, the families the events touch, in {@code transaction} (see the class documentation): the
     * daemon hands over one ordering key's events of a batch at a time, so with {@code processor.ordering.column} set
     * to the family column a batch's rows of one family cost one computation.
     */
    @Override
    public void processGroup(List<ChangeEvent> events, Connection transaction) throws SQLException {
        // Keys sorted: a fixed lock order.
        Map<String, Object> families = new TreeMap<>();
        for (ChangeEvent event : events) {
            if (isFamilyTable(event) && !event.operation().isRowChange()) {
                // TRUNCATE or DROP (a group of its own from the daemon): no family has rows at this point of the
                // binlog (see "Exactness"), and the families of rows after it are computed after the clearing.
                families.clear();
                clearSummaries(event, transaction);
                continue;
            }
            collectFamilies(event, families);
        }
        // Every family's summary row is locked before any family is read: a read comes after all the locks, so it sees
        // every change a computation that held one of them before has read, also under REPEATABLE READ, where the
        // transaction's first read fixes what all its later reads see.
        try (PreparedStatement lock = transaction.prepareStatement(sql.lockSummaryRow())) {
            for (String key : families.keySet()) {
                lock.setString(1, key);
                lock.executeUpdate();
            }
        }
        for (Map.Entry<String, Object> family : families.entrySet()) {
            writeSummary(transaction, family.getValue(), family.getKey());
        }
    }

    /**
     * Recomputes, once each, the families of several groups in three statements whatever their number, plus a delete
     * for each family left without rows (see "Several groups in one transaction" in
     * {@link TransactionalGroupProcessor}): every family's summary row is locked and marked (created if missing, in key
     * order), the families are recomputed from their rows into their summary rows by one
     * {@code INSERT ... SELECT ... GROUP BY}, and the rows still marked, of families with no row left, are found (a
     * plain read) and deleted by key. The server matches the family values with the summary keys under the column's
     * collation, as the one-family statements do. With a read server of its own, a table event among the groups, or
     * a transaction that is not READ COMMITTED, all the groups' events go through {@link #processGroup} at once; with a
     * table event among them, each group does.
     */
    @Override
    public void processGroups(List<List<ChangeEvent>> groups, Connection transaction) throws SQLException {
        Map<String, Object> families = new TreeMap<>();
        for (List<ChangeEvent> group : groups) {
            for (ChangeEvent event : group) {
                if (!event.operation().isRowChange() && isFamilyTable(event)) {
                    families = null;
                    break;
                }
                collectFamilies(event, families);
            }
            if (families == null) {
                break;
            }
        }
        if (families == null) {
            // A table event among them (the daemon hands those over alone): each group in turn.
            for (List<ChangeEvent> group : groups) {
                processGroup(group, transaction);
            }
            return;
        }
        // Under REPEATABLE READ an INSERT ... SELECT would lock the family rows it reads against the application's
        // writes; the daemon's transactions are READ COMMITTED, where it reads without locks. Otherwise, and with a
        // read server, all the groups' events as one: their families are then locked in one sorted pass.
        if (readServer != null || !readCommitted) {
            List<ChangeEvent> all = new ArrayList<>();
            groups.forEach(all::addAll);
            processGroup(all, transaction);
            return;
        }
        List<String> keys = new ArrayList<>(families.keySet());
        for (int from = 0; from < keys.size(); from += FAMILIES_PER_STATEMENT) {
            List<String> part = keys.subList(from, Math.min(keys.size(), from + FAMILIES_PER_STATEMENT));
            try (PreparedStatement mark = transaction.prepareStatement(sql.lockAndMarkSummaryRows(part.size()))) {
                for (int i = 0; i < part.size(); i++) {
                    mark.setString(i + 1, part.get(i));
                }
                mark.executeUpdate();
            }
        }
        for (int from = 0; from < keys.size(); from += FAMILIES_PER_STATEMENT) {
            List<String> part = keys.subList(from, Math.min(keys.size(), from + FAMILIES_PER_STATEMENT));
            try (PreparedStatement recompute = transaction.prepareStatement(sql.recomputeFamilies(part.size()))) {
                for (int i = 0; i < part.size(); i++) {
                    Object family = families.get(part.get(i));
                    // BIGINT UNSIGNED values are bound as DECIMAL: compared with a string they would become doubles.
                    recompute.setObject(i + 1, family instanceof BigInteger big ? new BigDecimal(big) : family);
                }
                recompute.executeUpdate();
            }
            // Which rows are still marked (families with no row left) is read without locks; they are then deleted
            // one key at a time: a DELETE by the whole list could scan the table and wait on other lanes' rows.
            List<String> emptied = new ArrayList<>();
            try (PreparedStatement marked = transaction.prepareStatement(sql.markedSummaries(part.size()))) {
                for (int i = 0; i < part.size(); i++) {
                    marked.setString(i + 1, part.get(i));
                }
                try (ResultSet rs = marked.executeQuery()) {
                    while (rs.next()) {
                        emptied.add(rs.getString(1));
                    }
                }
            }
            if (!emptied.isEmpty()) {
                try (PreparedStatement delete = transaction.prepareStatement(sql.deleteSummary())) {
                    for (String key : emptied) {
                        delete.setString(1, key);
                        delete.addBatch();
                    }
                    delete.executeBatch();
                }
            }
        }
    }

    /** Families per statement of {@link #processGroups}: one parameter each. */
    private static final int FAMILIES_PER_STATEMENT = 1000;

    private boolean isFamilyTable(ChangeEvent event) {
        return event.database().equals(sql.settings.database()) && event.table().equals(sql.settings.table());
    }

    /** The families a row change touches: an update can move a row from one family to another, so both. */
    private void collectFamilies(ChangeEvent event, Map<String, Object> families) {
        if (!isFamilyTable(event) || !event.operation().isRowChange()) {
            return;
        }
        if (event.operation() != Operation.INSERT) {
            addFamily(families, familyValue(event, event.before()));
        }
        if (event.operation() != Operation.DELETE) {
            addFamily(families, familyValue(event, event.after()));
        }
    }

    private void clearSummaries(ChangeEvent event, Connection transaction) throws SQLException {
        try (Statement clear = transaction.createStatement()) {
            int cleared = clear.executeUpdate(sql.deleteAllSummaries());
            log.info("{} of {}: {} summary row(s) deleted", event.operation(), sql.table, cleared);
        } catch (SQLException e) {
            if (e.getErrorCode() != NO_SUCH_TABLE) {
                throw e;
            }
            // The summary table went with it (a DROP DATABASE of both): nothing is left to clear.
            log.info("{} of {}: the summary table {} is gone too", event.operation(), sql.table, sql.summary);
        }
    }

    /** Standalone use, outside the daemon: the same work in a transaction of its own, retried on deadlock. */
    @Override
    public void process(ChangeEvent event) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = dataSource.getConnection()) {
                boolean autoCommit = connection.getAutoCommit();
                connection.setAutoCommit(false);
                try {
                    processGroup(List.of(event), connection);
                    connection.commit();
                    return;
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(connection, e);
                    // 40001: deadlock; 1205: lock wait timeout. Both leave nothing behind after the rollback.
                    boolean retryable = e instanceof SQLException sqle
                            && ("40001".equals(sqle.getSQLState()) || sqle.getErrorCode() == 1205);
                    if (!retryable || attempt == MAX_ATTEMPTS) {
                        throw e;
                    }
                    log.debug("retrying {} after: {}", event, e.getMessage());
                } finally {
                    connection.setAutoCommit(autoCommit);
                }
            }
        }
    }

    private static void addFamily(Map<String, Object> families, Object family) {
        if (family != null) {
            families.put(familyKey(family), family);
        }
    }

    /**
     * Compares every summary row with a fresh SQL recomputation of its family.
     *
     * @param dataSource where the family and summary tables are
     * @param settings   as given to the processor ({@link FamilySettings#from})
     * @return one readable line per family whose summary is missing, differs, or has no rows left; empty when
     *         every summary equals the recomputation
     * @throws SQLException when a table is missing, e.g. the summary table before the processor's first
     *                      {@link #open} created it
     */
    public static List<String> mismatches(DataSource dataSource, FamilySettings settings) throws SQLException {
        return FamilySummaryCheck.mismatches(dataSource, settings);
    }

    private Object familyValue(ChangeEvent event, Row row) {
        try {
            return row.get(sql.settings.familyColumn());
        } catch (NoSuchElementException e) {
            throw new NonRetryableException("event " + event + " has no column " + sql.settings.familyColumn()
                    + " (processor." + FamilySettings.COLUMN + "); the server must log full rows: set "
                    + "binlog_row_image=FULL", e);
        }
    }

    private void writeSummary(Connection transaction, Object family, String key) throws SQLException {
        Aggregate aggregate;
        if (readServer == null) {
            aggregate = aggregate(transaction, family);
        } else {
            // After the summary lock: see "Reading the family from a replica" in the class documentation.
            try (Connection read = readServer.getConnection()) {
                aggregate = aggregate(read, family);
            }
        }
        if (aggregate.count() == 0) {
            try (PreparedStatement delete = transaction.prepareStatement(sql.deleteSummary())) {
                delete.setString(1, key);
                delete.executeUpdate();
            }
            return;
        }
        try (PreparedStatement update = transaction.prepareStatement(sql.updateSummary())) {
            update.setLong(1, aggregate.count());
            update.setBigDecimal(2, aggregate.sum());
            update.setBigDecimal(3, aggregate.min());
            update.setBigDecimal(4, aggregate.max());
            update.setBigDecimal(5, aggregate.maxId());
            update.setString(6, key);
            update.executeUpdate();
        }
    }

    private Aggregate aggregate(Connection connection, Object family) throws SQLException {
        try (PreparedStatement aggregate = connection.prepareStatement(sql.aggregateFamily())) {
            // BIGINT UNSIGNED values are bound as DECIMAL: compared with a string they would become doubles.
            aggregate.setObject(1, family instanceof BigInteger big ? new BigDecimal(big) : family);
            try (ResultSet rs = aggregate.executeQuery()) {
                rs.next();
                return new Aggregate(rs.getLong(1), rs.getBigDecimal(2), rs.getBigDecimal(3), rs.getBigDecimal(4),
                        rs.getBigDecimal(5));
            }
        }
    }

    /** One family's count, sum, minimum and maximum of the value column, and highest id. */
    private record Aggregate(long count, BigDecimal sum, BigDecimal min, BigDecimal max, BigDecimal maxId) {
    }

    /**
     * The family value as the text the server gives when it converts the column to a string, which is what
     * {@code family_key} holds. The column types are restricted in {@link FamilySql#inspect} accordingly.
     */
    static String familyKey(Object family) {
        String key;
        if (family instanceof String text) {
            key = text;
        } else if (family instanceof BigDecimal decimal) {
            key = decimal.toPlainString();
        } else if (family instanceof Short || family instanceof Integer || family instanceof Long
                || family instanceof BigInteger || family instanceof LocalDate) {
            key = family.toString();
        } else {
            throw new NonRetryableException("family value " + family + " is a " + family.getClass().getName()
                    + "; processor." + FamilySettings.COLUMN + " must name an integer, DECIMAL, CHAR, VARCHAR, "
                    + "ENUM or DATE column");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw new NonRetryableException("family key '" + key.substring(0, 40) + "...' is longer than "
                    + MAX_KEY_LENGTH + " characters, the size of the summary's family_key column");
        }
        return key;
    }

    private static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
