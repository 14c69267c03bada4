package io.cdcrunner.visibility;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import io.cdcrunner.load.ConcurrentWriters;
import io.cdcrunner.load.Pacer;

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
        ConcurrentWriters.run("family-writer", rows, writers, (writer, share) ->
                writeShare(primary, table, writer, writers, share, families, ratePerSecond, committed));
    }

    private static void writeShare(DataSource primary, String table, int writer, int writers, int count,
                                   int families, int ratePerSecond, CommittedRows committed) throws SQLException {
        Pacer pacer = new Pacer((double) ratePerSecond / writers);
        int ownFamilies = Math.max(1, (families - writer + writers - 1) / writers);
        try (Connection c = primary.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " (family, payload) VALUES (?, ?)",
                     Statement.RETURN_GENERATED_KEYS)) {
            c.setAutoCommit(true);
            for (int i = 0; i < count; i++) {
                pacer.awaitNext();
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
