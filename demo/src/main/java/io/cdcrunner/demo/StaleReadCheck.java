package io.cdcrunner.demo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import io.cdcrunner.delivery.ProcessedListener;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.builtin.FamilySettings;

/**
 * Counts stale reads of the family aggregate processor: once an inserted row's event is processed, its
 * family's summary (on the primary) must record an id at least as high as the row's. A computation that read
 * the family before the row was visible (a lagging replica without a barrier) writes a lower one, and the
 * summaries written after it come from reads that are no older. It can miss a stale read (another writer's
 * higher id may already have been visible), never invent one. The check runs on a thread of its own, so it
 * adds nothing to the processing latency the demo measures; it stays sound because a family's max_id never
 * goes down in an insert-only run.
 */
final class StaleReadCheck implements ProcessedListener {

    private final DataSource primary;
    private final FamilySettings family;
    private final String query;
    private final AtomicLong checked = new AtomicLong();
    private final AtomicLong stale = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final java.util.concurrent.ExecutorService checker =
            java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "demo-stale-read-check");
                t.setDaemon(true);
                return t;
            });

    StaleReadCheck(DataSource primary, FamilySettings family) {
        this.primary = primary;
        this.family = family;
        this.query = "SELECT max_id FROM `" + family.effectiveSummaryDatabase() + "`.`" + family.summaryTable()
                + "` WHERE family_key = ?";
    }

    @Override
    public void processed(ChangeEvent event, long nanoTime) {
        if (event.operation() != Operation.INSERT || !event.table().equals(family.table())) {
            return;
        }
        long id = event.row().getLong(family.idColumn());
        String familyKey = String.valueOf(event.row().get(family.familyColumn()));
        checker.execute(() -> check(id, familyKey));
    }

    private void check(long id, String familyKey) {
        try (Connection c = primary.getConnection(); PreparedStatement s = c.prepareStatement(query)) {
            s.setString(1, familyKey);
            try (ResultSet rs = s.executeQuery()) {
                long maxId = rs.next() ? rs.getLong(1) : -1;
                checked.incrementAndGet();
                if (maxId < id) {
                    stale.incrementAndGet();
                }
            }
        } catch (SQLException e) {
            failed.incrementAndGet();
        }
    }

    /** Waits for the checks still queued. */
    void finish() throws InterruptedException {
        checker.shutdown();
        checker.awaitTermination(2, java.util.concurrent.TimeUnit.MINUTES);
    }

    long checked() {
        return checked.get();
    }

    long stale() {
        return stale.get();
    }

    long failedChecks() {
        return failed.get();
    }
}
