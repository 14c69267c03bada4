package io.cdcrunner.load;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

/**
 * The WriteIt side of the demo: {@code writers} connections insert {@code rows} orders across
 * {@code families} customers at a total of {@code ratePerSecond}, one row per committed transaction,
 * noting for every row id the {@link System#nanoTime()} right after its COMMIT returned.
 */
public final class DemoWriter {

    private final DataSource dataSource;
    private final String table;
    private final int rows;
    private final int families;
    private final int writers;
    private final int ratePerSecond;
    private final Map<Long, Long> commitNanos = new ConcurrentHashMap<>();
    private final AtomicLong written = new AtomicLong();

    public DemoWriter(DataSource dataSource, String table, int rows, int families, int writers, int ratePerSecond) {
        this.dataSource = dataSource;
        this.table = table;
        this.rows = rows;
        this.families = families;
        this.writers = writers;
        this.ratePerSecond = ratePerSecond;
    }

    /** Creates the demo table ({@code id, customer_id, amount, created_at}). */
    public static void createSchema(Connection connection, String table) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
                    + "id BIGINT AUTO_INCREMENT PRIMARY KEY, "
                    + "customer_id INT NOT NULL, "
                    + "amount DECIMAL(12,2) NOT NULL, "
                    + "created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), "
                    + "KEY by_customer (customer_id, amount))");
        }
    }

    /** Inserts every row; returns when all writers are done. */
    public void run() throws InterruptedException {
        ConcurrentWriters.run("demo-writer", rows, writers, this::write);
    }

    private void write(int writer, int count) {
        SplittableRandom random = new SplittableRandom(42L + writer);
        Pacer pacer = new Pacer((double) ratePerSecond / writers);
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement(
                     "INSERT INTO " + table + " (customer_id, amount) VALUES (?, ?)",
                     Statement.RETURN_GENERATED_KEYS)) {
            c.setAutoCommit(true);
            for (int i = 0; i < count; i++) {
                pacer.awaitNext();
                insert.setInt(1, 1 + random.nextInt(families));
                insert.setBigDecimal(2, BigDecimal.valueOf(random.nextInt(1, 100_000), 2));
                insert.executeUpdate();
                long committed = System.nanoTime();
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    keys.next();
                    commitNanos.put(keys.getLong(1), committed);
                }
                written.incrementAndGet();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("demo writer " + writer + " failed: " + e.getMessage(), e);
        }
    }

    public long written() {
        return written.get();
    }

    /** Row id to the nanoTime after its COMMIT returned. */
    public Map<Long, Long> commitNanos() {
        return commitNanos;
    }
}
