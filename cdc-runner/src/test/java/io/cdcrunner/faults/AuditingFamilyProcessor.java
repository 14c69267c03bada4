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
 * <p>Options: every {@code processor.family.*} key of {@link FamilyAggregateProcessor},
 * {@code processor.audit.table} ({@code db.table} with columns {@code row_id BIGINT PRIMARY KEY, times INT}),
 * optionally {@code processor.sequence.table} ({@code family INT PRIMARY KEY, last_id BIGINT, violations INT}): each
 * family's highest row id so far, and how often a row came after a higher one of its family (the writer inserts a
 * family's rows in id order, so any count there is a per-key order violation), and optionally
 * {@code processor.fail.ids}: rows it always fails on (poison rows).
 *
 * <p>The summary and the audit writes run in the daemon's transaction for the group, with the group's ledger rows,
 * so the ledger makes both effectively once.
 */
public class AuditingFamilyProcessor implements TransactionalGroupProcessor {

    private FamilyAggregateProcessor family;
    private AuditTable audit;
    private String sequenceTable;
    private java.util.Set<Long> failIds = java.util.Set.of();

    public AuditingFamilyProcessor() {
    }

    @Override
    public void open(ProcessorContext context) throws Exception {
        audit = AuditTable.named(context.config().get(AuditTable.OPTION));
        sequenceTable = context.config().get("sequence.table", null);
        String fail = context.config().get("fail.ids", "");
        if (!fail.isBlank()) {
            failIds = java.util.Arrays.stream(fail.split(",")).map(String::trim).map(Long::valueOf)
                    .collect(java.util.stream.Collectors.toSet());
        }
        try (Connection connection = context.dataSource().getConnection()) {
            audit.check(connection);
        }
        family = new FamilyAggregateProcessor();
        family.open(context);
    }

    @Override
    public void processGroup(List<ChangeEvent> events, Connection transaction) throws Exception {
        for (ChangeEvent event : events) {
            if (failIds.contains(event.row().getLong("id"))) {
                throw new IllegalStateException("AuditingFamilyProcessor refusing poison row id=" + event.row().getLong("id"));
            }
        }
        family.processGroup(events, transaction);
        for (ChangeEvent event : events) {
            long id = event.row().getLong("id");
            audit.record(transaction, id, (java.math.BigDecimal) event.row().get("amount"));
            if (sequenceTable != null) {
                try (java.sql.PreparedStatement sequence = transaction.prepareStatement("INSERT INTO " + sequenceTable
                        + " (family, last_id, violations) VALUES (?, ?, 0) ON DUPLICATE KEY UPDATE"
                        + " violations = violations + (VALUES(last_id) < last_id),"
                        + " last_id = GREATEST(last_id, VALUES(last_id))")) {
                    sequence.setLong(1, ((Number) event.row().get("customer_id")).longValue());
                    sequence.setLong(2, id);
                    sequence.executeUpdate();
                }
            }
        }
    }

    @Override
    public void close() throws Exception {
        if (family != null) {
            family.close();
        }
    }
}
