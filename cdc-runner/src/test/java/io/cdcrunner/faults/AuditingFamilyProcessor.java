package io.cdcrunner.faults;

import java.sql.Connection;
import java.util.List;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.ProcessorContext;
import io.cdcrunner.processor.TransactionalGroupProcessor;
import io.cdcrunner.processor.builtin.FamilyAggregateProcessor;

/**
 * Fault-test processor: keeps the {@link FamilyAggregateProcessor} summaries of the events' families, a group of one
 * ordering key's events at a time (with {@code processor.ordering.column} the family column: one family's rows of a
 * batch), and counts each row in an audit table ({@code processor.audit.table}), so a test can tell lost rows (no
 * audit row) from effects applied twice ({@code times > 1}).
 *
 * <p>Options: every {@code processor.family.*} key of {@link FamilyAggregateProcessor}, and
 * {@code processor.audit.table} ({@code db.table} with columns {@code row_id BIGINT PRIMARY KEY, times INT}).
 *
 * <p>The summary and the audit writes run in the daemon's transaction for the group, with the group's ledger rows,
 * so the ledger makes both effectively once.
 */
public class AuditingFamilyProcessor implements TransactionalGroupProcessor {

    private FamilyAggregateProcessor family;
    private AuditTable audit;

    public AuditingFamilyProcessor() {
    }

    @Override
    public void open(ProcessorContext context) throws Exception {
        audit = AuditTable.named(context.config().get(AuditTable.OPTION));
        try (Connection connection = context.dataSource().getConnection()) {
            audit.check(connection);
        }
        family = new FamilyAggregateProcessor();
        family.open(context);
    }

    @Override
    public void processGroup(List<ChangeEvent> events, Connection transaction) throws Exception {
        family.processGroup(events, transaction);
        for (ChangeEvent event : events) {
            audit.record(transaction, event.row().getLong("id"));
        }
    }

    @Override
    public void close() throws Exception {
        if (family != null) {
            family.close();
        }
    }
}
