package io.cdcrunner.bench;

import java.sql.Connection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.ProcessorConfig;
import io.cdcrunner.processor.ProcessorContext;
import io.cdcrunner.processor.TransactionalGroupProcessor;
import io.cdcrunner.processor.builtin.FamilyAggregateProcessor;

/**
 * {@link FamilyAggregateProcessor} on its per-family path, counting its work (the backfill scenario): every call
 * computes each family its events touch once, so the families counted per call, summed, are the family computations.
 * The daemon hands a lane's groups of a batch to {@link #processGroups} in one transaction (up to 1,000 events), so
 * calls are counted too. A transaction the daemon retries is counted again: its computations ran again. The counters
 * are this JVM's (one pipeline per benchmark child).
 */
public final class CountingFamilyProcessor implements TransactionalGroupProcessor {

    static final AtomicLong FAMILY_COMPUTATIONS = new AtomicLong();
    static final AtomicLong FAMILY_ROWS = new AtomicLong();
    static final AtomicLong CALLS = new AtomicLong();
    static final AtomicLong GROUPS = new AtomicLong();

    private final FamilyAggregateProcessor family = new FamilyAggregateProcessor();
    private String familyDatabase;
    private String familyTable;
    private String familyColumn;

    @Override
    public void open(ProcessorContext context) throws Exception {
        ProcessorConfig config = context.config();
        String table = config.get("family.table");
        int dot = table.indexOf('.');
        familyDatabase = table.substring(0, dot);
        familyTable = table.substring(dot + 1);
        familyColumn = config.get("family.column");
        family.open(context);
    }

    @Override
    public void processGroup(List<ChangeEvent> events, Connection transaction) throws Exception {
        CALLS.incrementAndGet();
        GROUPS.incrementAndGet();
        Set<Object> families = new HashSet<>();
        collect(events, families);
        FAMILY_COMPUTATIONS.addAndGet(families.size());
        family.processGroup(events, transaction);
    }

    @Override
    public void processGroups(List<List<ChangeEvent>> groups, Connection transaction) throws Exception {
        CALLS.incrementAndGet();
        GROUPS.addAndGet(groups.size());
        Set<Object> families = new HashSet<>();
        for (List<ChangeEvent> group : groups) {
            collect(group, families);
        }
        FAMILY_COMPUTATIONS.addAndGet(families.size());
        family.processGroups(groups, transaction);
    }

    /** The families the row changes of the family table touch (an update may touch two), and those rows counted. */
    private void collect(List<ChangeEvent> events, Set<Object> families) {
        for (ChangeEvent event : events) {
            if (!event.operation().isRowChange() || !event.database().equals(familyDatabase)
                    || !event.table().equals(familyTable)) {
                continue;
            }
            FAMILY_ROWS.incrementAndGet();
            if (event.operation() != Operation.INSERT) {
                families.add(event.before().get(familyColumn));
            }
            if (event.operation() != Operation.DELETE) {
                families.add(event.after().get(familyColumn));
            }
        }
    }

    @Override
    public void close() throws Exception {
        family.close();
    }
}
