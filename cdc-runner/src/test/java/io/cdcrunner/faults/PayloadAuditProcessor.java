package io.cdcrunner.faults;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.zip.CRC32;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.ProcessorContext;
import io.cdcrunner.processor.TransactionalGroupProcessor;

/**
 * Fault-test processor for rows with a large {@code payload} column: for each row it records, in the daemon's
 * transaction, how many times its effect was applied and the length and CRC-32 of the payload it was handed, in the
 * table named by {@code processor.payload.audit.table} ({@code row_id BIGINT PRIMARY KEY, times INT, bytes BIGINT,
 * crc BIGINT}). A test compares that with {@code LENGTH(payload)} and {@code CRC32(payload)} on the server.
 *
 * <p>It reads the payload as a processor would ({@link io.cdcrunner.processor.Row#get}, a copy), so the test's heap
 * includes what a real processor adds.
 */
public class PayloadAuditProcessor implements TransactionalGroupProcessor {

    private String table;

    public PayloadAuditProcessor() {
    }

    @Override
    public void open(ProcessorContext context) throws Exception {
        table = context.config().get("payload.audit.table");
        if (!table.matches("[A-Za-z0-9_$]+\\.[A-Za-z0-9_$]+")) {
            throw new IllegalArgumentException("processor.payload.audit.table=" + table + " must be db.table");
        }
    }

    @Override
    public void processGroup(List<ChangeEvent> events, Connection transaction) throws Exception {
        processGroups(List.of(events), transaction);
    }

    @Override
    public void processGroups(List<List<ChangeEvent>> groups, Connection transaction) throws Exception {
        try (PreparedStatement insert = transaction.prepareStatement("INSERT INTO " + table
                + " (row_id, times, bytes, crc) VALUES (?, 1, ?, ?) ON DUPLICATE KEY UPDATE times = times + 1")) {
            for (List<ChangeEvent> group : groups) {
                for (ChangeEvent event : group) {
                    byte[] payload = event.row().get("payload", byte[].class);
                    CRC32 crc = new CRC32();
                    crc.update(payload);
                    insert.setLong(1, event.row().getLong("id"));
                    insert.setLong(2, payload.length);
                    insert.setLong(3, crc.getValue());
                    insert.addBatch();
                }
            }
            insert.executeBatch();
        }
    }
}
