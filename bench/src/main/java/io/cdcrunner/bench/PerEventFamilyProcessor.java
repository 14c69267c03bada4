package io.cdcrunner.bench;

import java.sql.Connection;
import java.util.List;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.ProcessorContext;
import io.cdcrunner.processor.TransactionalProcessor;
import io.cdcrunner.processor.builtin.FamilyAggregateProcessor;

/**
 * The family aggregate on the per-event path, for comparison: the same computation, but the daemon calls it once per
 * event (a plain {@link TransactionalProcessor}: one transaction, one ledger insert and one family computation per
 * event), as before the per-key contract existed.
 */
public final class PerEventFamilyProcessor implements TransactionalProcessor {

    private final FamilyAggregateProcessor family = new FamilyAggregateProcessor();

    @Override
    public void open(ProcessorContext context) throws Exception {
        family.open(context);
    }

    @Override
    public void process(ChangeEvent event, Connection transaction) throws Exception {
        family.processGroup(List.of(event), transaction);
    }

    @Override
    public void close() throws Exception {
        family.close();
    }
}
