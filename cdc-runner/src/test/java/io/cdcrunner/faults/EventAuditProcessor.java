package io.cdcrunner.faults;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

import javax.sql.DataSource;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.GroupProcessor;
import io.cdcrunner.processor.ProcessorContext;

/**
 * Fault-test processor that records every event it is handed, one row per hand-over, in the table named by
 * {@code processor.event.audit.table} ({@link #CREATE}): the {@link ChangeEvent#eventId() event id}, the table and row
 * id, the operation, the backfill run that read the row ({@code NULL} for a change read from the binlog) and the amount
 * the event carried. It is an at-least-once {@link GroupProcessor}, with no ledger in front of it: an event delivered
 * again (a backfill chunk read again after a crash, a batch whose offset was not recorded yet) is recorded again, so
 * a test can tell how much was delivered more than once ({@code COUNT(*)} against {@code COUNT(DISTINCT event_id)}).
 * Each group is written in one transaction of its own, committed before the group returns (before the daemon may
 * record the group's offset). The table only grows at its end (an auto-increment key, indexes in row-id order), so
 * recording a large backfill stays cheap.
 *
 * <p>Every captured table needs an {@code id} primary key and an {@code amount} column.
 */
public class EventAuditProcessor implements GroupProcessor {

    /** Processor option naming the table, {@code db.table}. */
    static final String OPTION = "event.audit.table";

    /** The table's definition; {@code %s} is its name. */
    static final String CREATE = "CREATE TABLE %s (seq BIGINT AUTO_INCREMENT PRIMARY KEY, "
            + "event_id VARCHAR(255) NOT NULL, table_name VARCHAR(128) NOT NULL, row_id BIGINT NOT NULL, "
            + "op VARCHAR(8) NOT NULL, backfill_run VARCHAR(64) NULL, amount DECIMAL(12,2) NULL, "
            + "KEY by_row (table_name, row_id), KEY by_run (backfill_run, row_id))";

    private static final String COLUMNS = " (event_id, table_name, row_id, op, backfill_run, amount) VALUES ";
    private static final String ROW = "(?, ?, ?, ?, ?, ?)";

    private DataSource dataSource;
    private String table;

    public EventAuditProcessor() {
    }

    @Override
    public void open(ProcessorContext context) throws Exception {
        table = context.config().get(OPTION);
        if (!table.matches("[A-Za-z0-9_$]+\\.[A-Za-z0-9_$]+")) {
            throw new IllegalArgumentException("processor." + OPTION + "=" + table + " must be db.table");
        }
        dataSource = context.dataSource();
        try (Connection c = dataSource.getConnection(); var s = c.createStatement()) {
            s.executeQuery("SELECT event_id, row_id, backfill_run FROM " + table + " WHERE 1 = 0").close();
        }
    }

    @Override
    public void processGroup(List<ChangeEvent> events) throws Exception {
        if (events.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(table).append(COLUMNS);
        for (int i = 0; i < events.size(); i++) {
            sql.append(i == 0 ? "" : ",").append(ROW);
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement(sql.toString())) {
                int p = 1;
                for (ChangeEvent event : events) {
                    insert.setString(p++, event.eventId());
                    insert.setString(p++, event.qualifiedTable());
                    Long id = event.key().getLong("id");
                    insert.setLong(p++, id == null ? -1 : id);
                    insert.setString(p++, event.operation().name());
                    if (event.isBackfill()) {
                        insert.setString(p++, event.position().backfill());
                    } else {
                        insert.setNull(p++, Types.VARCHAR);
                    }
                    insert.setBigDecimal(p++, event.row().has("amount") ? event.row().getDecimal("amount") : null);
                }
                insert.executeUpdate();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }
}
