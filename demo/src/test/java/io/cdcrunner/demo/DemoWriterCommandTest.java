package io.cdcrunner.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.localdb.LocalMariaDb;
import io.cdcrunner.testkit.DatabaseTest;

/** {@code demo-writer}, the writer of the Docker Compose demo, against a real database. */
@DatabaseTest
class DemoWriterCommandTest {

    @TempDir
    Path temp;

    @Test
    void insertsTheRequestedRowsWithThePasswordFromAFile() throws Exception {
        try (LocalMariaDb db = LocalMariaDb.builder().start()) {
            db.execute("CREATE DATABASE shop", "CREATE USER 'writer'@'%' IDENTIFIED BY 'w-secret'",
                    "GRANT SELECT, INSERT, CREATE ON shop.* TO 'writer'@'%'");
            Path password = Files.writeString(temp.resolve("password"), "w-secret\n");
            int code = DemoMain.execute("demo-writer", "--jdbc-url", db.jdbcUrl("shop"), "--user", "writer",
                    "--password-file", password.toString(), "--create-table", "--rows", "40", "--rate", "400",
                    "--writers", "2", "--families", "5");
            assertThat(code).isZero();
            try (Connection c = db.rootConnection();
                 ResultSet rows = c.createStatement().executeQuery(
                         "SELECT COUNT(*), COUNT(DISTINCT customer_id) FROM shop.orders")) {
                rows.next();
                assertThat(rows.getInt(1)).isEqualTo(40);
                assertThat(rows.getInt(2)).isBetween(1, 5);
            }
        }
    }
}
