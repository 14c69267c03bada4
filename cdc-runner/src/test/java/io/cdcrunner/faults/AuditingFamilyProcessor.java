package io.cdcrunner.faults;

import java.sql.Connection;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.EventProcessor;
import io.cdcrunner.processor.ProcessorContext;
import io.cdcrunner.processor.TransactionalProcessor;
import io.cdcrunner.processor.builtin.FamilyAggregateProcessor;

/**
 * Fault-test processor: keeps the {@link FamilyAggregateProcessor} summaries of the event's family and counts
 * the row in an audit table ({@code processor.audit.table}), so a test can tell lost rows (no audit row)
 * from effects applied twice ({@code times > 1}).
 *
 * <p>Options: every {@code processor.family.*} key of {@link FamilyAggregateProcessor}, and
 * {@code processor.audit.table} ({@code db.table} with columns {@code row_id BIGINT PRIMARY KEY, times INT}).
 *
 * <p>The audit write runs in the daemon's transaction, so the ledger makes it effectively once. The family
 * summary runs in that transaction too when {@link FamilyAggregateProcessor} is a {@link TransactionalProcessor};
 * until it is, it runs through its {@code process(event)} in its own transactions, which is still exact since
 * each family is recomputed from all of its rows (a redelivery changes nothing).
 */
public class AuditingFamilyProcessor implements TransactionalProcessor {

    // Typed as the interface: FamilyAggregateProcessor is final, and may or may not be transactional yet.
    private EventProcessor family;
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
    public void process(ChangeEvent event, Connection transaction) throws Exception {
        if (family instanceof TransactionalProcessor transactional) {
            transactional.process(event, transaction);
        } else {
            family.process(event);
        }
        audit.record(transaction, event.row().getLong("id"));
    }

    @Override
    public void close() throws Exception {
        if (family != null) {
            family.close();
        }
    }
}
