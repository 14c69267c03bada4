package io.cdcrunner.faults;

import java.sql.Connection;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.ProcessorContext;
import io.cdcrunner.processor.TransactionalProcessor;

/**
 * Counts each row in the audit table, in the daemon's transaction; for the rows listed in {@code processor.idle.ids}
 * it first sends a statement, then waits {@code processor.idle.ms} inside the transaction without sending another
 * (a call to a slow service, say): longer than an HA instance's sessions may leave a transaction idle.
 */
public class IdleInTransactionProcessor implements TransactionalProcessor {

    private AuditTable audit;
    private Set<Long> idleIds;
    private long idleMillis;

    @Override
    public void open(ProcessorContext context) {
        audit = AuditTable.named(context.config().get(AuditTable.OPTION));
        idleIds = Arrays.stream(context.config().get("idle.ids", "").split(",")).map(String::trim)
                .filter(id -> !id.isEmpty()).map(Long::valueOf).collect(Collectors.toSet());
        idleMillis = Long.parseLong(context.config().get("idle.ms", "0"));
    }

    @Override
    public void process(ChangeEvent event, Connection transaction) throws Exception {
        long id = event.row().getLong("id");
        if (idleIds.contains(id)) {
            try (var statement = transaction.createStatement()) {
                statement.executeQuery("SELECT 1").close();
            }
            Thread.sleep(idleMillis);
        }
        audit.record(transaction, id, (java.math.BigDecimal) event.row().get("amount"));
    }
}
