package io.cdcrunner.faults;

import java.sql.Connection;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.ProcessorContext;
import io.cdcrunner.processor.TransactionalProcessor;

/**
 * Fault-test processor that cannot process some rows: it throws for the row ids listed in
 * {@code processor.fail.ids} (comma-separated) on every attempt, and counts every other row in the audit
 * table ({@code processor.audit.table}) in the daemon's transaction. Each refusal is logged as
 * {@code refusing row id=N}, so a test can count the attempts in the daemon's output.
 */
public class PoisonProcessor implements TransactionalProcessor {

    /** Start of the error message and of the log line of each refusal. */
    public static final String REFUSAL = "PoisonProcessor refusing row id=";

    private static final Logger log = LoggerFactory.getLogger(PoisonProcessor.class);

    private Set<Long> failIds;
    private AuditTable audit;

    public PoisonProcessor() {
    }

    @Override
    public void open(ProcessorContext context) throws Exception {
        String ids = context.config().get("fail.ids", "");
        failIds = Arrays.stream(ids.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(Long::valueOf).collect(Collectors.toUnmodifiableSet());
        audit = AuditTable.named(context.config().get(AuditTable.OPTION));
        try (Connection connection = context.dataSource().getConnection()) {
            audit.check(connection);
        }
        log.info("PoisonProcessor: failing row ids {}", failIds);
    }

    @Override
    public void process(ChangeEvent event, Connection transaction) throws Exception {
        long id = event.row().getLong("id");
        if (failIds.contains(id)) {
            log.info("{}{}", REFUSAL, id);
            throw new IllegalStateException(REFUSAL + id + " (listed in processor.fail.ids)");
        }
        audit.record(transaction, id, (java.math.BigDecimal) event.row().get("amount"));
    }
}
