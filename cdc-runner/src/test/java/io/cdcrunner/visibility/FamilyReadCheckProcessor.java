package io.cdcrunner.visibility;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.EventProcessor;
import io.cdcrunner.processor.ProcessorContext;

/**
 * The reader of the original problem, as a processor: on each inserted row it reads the row's whole family
 * through {@link ProcessorContext#readDataSource()} and counts a stale read when the result lacks the row
 * itself or any row of the family committed before it. Key {@code processor.check.table}: the table
 * ({@code id, family, payload}).
 */
public class FamilyReadCheckProcessor implements EventProcessor {

    /** What the processors of one pipeline saw. */
    static final class Tally {
        final CommittedRows committed;
        final AtomicLong reads = new AtomicLong();
        final AtomicLong missingOwnRow = new AtomicLong();
        final AtomicLong missingEarlierRow = new AtomicLong();

        Tally(CommittedRows committed) {
            this.committed = committed;
        }

        long stale() {
            return missingOwnRow.get() + missingEarlierRow.get();
        }
    }

    private static final Map<String, Tally> TALLIES = new ConcurrentHashMap<>();

    private DataSource read;
    private String query;
    private Tally tally;

    /** Starts counting for {@code pipeline}, whose writers note their commits in {@code committed}. */
    static Tally track(String pipeline, CommittedRows committed) {
        Tally tally = new Tally(committed);
        TALLIES.put(pipeline, tally);
        return tally;
    }

    @Override
    public void open(ProcessorContext context) {
        read = context.readDataSource();
        query = "SELECT id FROM " + context.config().get("check.table", "") + " WHERE family = ?";
        tally = TALLIES.get(context.pipelineName());
    }

    @Override
    public void process(ChangeEvent event) throws Exception {
        int family = ((Number) event.row().get("family")).intValue();
        long id = event.row().getLong("id");
        Set<Long> seen = new HashSet<>();
        try (Connection c = read.getConnection(); PreparedStatement s = c.prepareStatement(query)) {
            s.setInt(1, family);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    seen.add(rs.getLong(1));
                }
            }
        }
        tally.reads.incrementAndGet();
        if (!seen.contains(id)) {
            tally.missingOwnRow.incrementAndGet();
        } else if (!seen.containsAll(tally.committed.before(family, id))) {
            tally.missingEarlierRow.incrementAndGet();
        }
    }
}
