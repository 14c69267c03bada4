package io.cdcrunner.visibility;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import javax.sql.DataSource;

/**
 * Concurrent writers inserting single-row transactions into {@code families} families at a paced total
 * rate. Writer {@code w} owns the families {@code f} with {@code f % writers == w}, so a family's rows are
 * committed one after another and its ids grow in commit order.
 */
final class FamilyWriters {

    private FamilyWriters() {
    }

    static void createTable(Connection connection, String table) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE " + table + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, family INT NOT NULL, "
                    + "payload VARCHAR(64) NOT NULL, KEY by_family (family))");
        }
    }

    /** Inserts {@code rows} rows and returns when every writer is done. */
    static void write(DataSource primary, String table, int rows, int families, int writers, int ratePerSecond,
                      CommittedRows committed) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            int share = rows / writers + (w < rows % writers ? 1 : 0);
            Thread t = new Thread(() -> {
                try {
                    writeShare(primary, table, writer, writers, share, families, ratePerSecond, committed);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "family-writer-" + w);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a writer failed", failures.get(0));
        }
    }

    private static void writeShare(DataSource primary, String table, int writer, int writers, int count,
                                   int families, int ratePerSecond, CommittedRows committed) throws SQLException {
        long interval = TimeUnit.SECONDS.toNanos(1) * writers / Math.max(1, ratePerSecond);
        long next = System.nanoTime();
        int ownFamilies = Math.max(1, (families - writer + writers - 1) / writers);
        try (Connection c = primary.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " (family, payload) VALUES (?, ?)",
                     Statement.RETURN_GENERATED_KEYS)) {
            c.setAutoCommit(true);
            for (int i = 0; i < count; i++) {
                // parkNanos, not a spin: a busy writer would steal a core from the daemon.
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                next += interval;
                int family = writer + (i % ownFamilies) * writers;
                insert.setInt(1, family);
                insert.setString(2, "writer " + writer + " row " + i);
                insert.executeUpdate();
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    keys.next();
                    committed.committed(family, keys.getLong(1));
                }
            }
        }
    }
}
