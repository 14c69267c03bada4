package io.cdcrunner.pipeline;

import java.sql.Connection;
import java.sql.PreparedStatement;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.ProcessorContext;
import io.cdcrunner.processor.TransactionalProcessor;

/** Test processor: counts, in the event's transaction, how many times each row id took effect. */
public class AuditingProcessor implements TransactionalProcessor {

    private String auditTable;

    @Override
    public void open(ProcessorContext context) {
        auditTable = context.config().get("audit.table");
    }

    @Override
    public void process(ChangeEvent event, Connection transaction) throws Exception {
        try (PreparedStatement audit = transaction.prepareStatement("INSERT INTO " + auditTable
                + " (row_id, times) VALUES (?, 1) ON DUPLICATE KEY UPDATE times = times + 1")) {
            audit.setLong(1, event.row().getLong("id"));
            audit.executeUpdate();
        }
    }
}
