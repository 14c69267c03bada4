package io.cdcrunner.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.cdcrunner.config.Secret;
import io.cdcrunner.config.SourceSettings;
import io.cdcrunner.localdb.LocalMariaDb;
import io.cdcrunner.localdb.LocalMySql;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.testkit.DatabaseTest;

@DatabaseTest
class FlavorDetectorTest {

    private static LocalMariaDb db;

    @BeforeAll
    static void startServer() {
        assumeTrue(LocalMariaDb.isAvailable(), "mariadbd not installed");
        db = LocalMariaDb.builder().serverId(7).start();
        db.execute("CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY, total DECIMAL(10,2))");
        db.createCdcUser("cdc", "cdc-pw");
    }

    @AfterAll
    static void stopServer() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void flavorComesFromVersionOrComment() {
        assertThat(FlavorDetector.flavorOf("10.11.6-MariaDB-0+deb12u1-log", "Debian 12")).isEqualTo(ServerFlavor.MARIADB);
        assertThat(FlavorDetector.flavorOf("11.4.2", "mariadb.org binary distribution")).isEqualTo(ServerFlavor.MARIADB);
        assertThat(FlavorDetector.flavorOf("8.4.3", "MySQL Community Server - GPL")).isEqualTo(ServerFlavor.MYSQL);
        assertThat(FlavorDetector.flavorOf("5.7.44-log", null)).isEqualTo(ServerFlavor.MYSQL);
    }

    @Test
    void urlCarriesTimeoutAndTlsModeButNoCredentials() {
        SourceSettings login = SourceSettings.login("db.example", 3306, "cdc", new Secret("pw-in-url?"), Duration.ofSeconds(3));
        String url = SourceAccess.of(login).jdbcUrl("");
        assertThat(url).isEqualTo("jdbc:mysql://db.example:3306/?sslMode=PREFERRED&allowPublicKeyRetrieval=true"
                + "&connectTimeout=3000&rewriteBatchedStatements=true").doesNotContain("pw-in-url");
        // An IPv6 literal is bracketed for every connection alike: the probes, check and the pools.
        SourceSettings v6 = SourceSettings.login("::1", 3306, "cdc", new Secret(""), Duration.ofSeconds(1));
        assertThat(SourceAccess.of(v6).jdbcUrl("shop")).startsWith("jdbc:mysql://[::1]:3306/shop?");
        assertThat(SourceAccess.of(v6).engineProperties(ServerFlavor.MYSQL)).containsEntry("database.hostname", "::1")
                .containsEntry("database.ssl.mode", "preferred");
    }

    @Test
    void detectsMariaDbAndReadsItsSettings() throws SQLException {
        try (Connection c = cdcConnection()) {
            assertThat(FlavorDetector.detect(c)).isEqualTo(ServerFlavor.MARIADB);
            ServerInfo info = ServerInfo.read(c);
            assertThat(info.flavor()).isEqualTo(ServerFlavor.MARIADB);
            assertThat(info.version()).contains("MariaDB");
            assertThat(info.serverId()).isEqualTo(7);
            assertThat(info.logBin()).isTrue();
            assertThat(info.binlogFormat()).isEqualTo("ROW");
            assertThat(info.binlogRowImage()).isEqualTo("FULL");
            assertThat(info.gtidsEnabled()).isTrue();
            assertThat(info.position()).isNotNull();
            assertThat(info.position().file()).startsWith("binlog.");
            assertThat(info.position().position()).isPositive();
            assertThat(info.gtidSet()).isEqualTo(info.position().gtidSet());
        }
    }

    @Test
    void currentPositionAdvancesWithEachCommitAndMatchesItsGtid() throws SQLException {
        try (Connection c = cdcConnection()) {
            ServerInfo.BinlogPosition before = ServerInfo.currentPosition(c);
            db.execute("INSERT INTO shop.orders VALUES (" + System.nanoTime() % 1_000_000 + ", 9.99)");
            ServerInfo.BinlogPosition after = ServerInfo.currentPosition(c);

            assertThat(after.file()).isEqualTo(before.file());
            assertThat(after.position()).isGreaterThan(before.position());
            // One commit on server 7 in domain 0: the sequence number goes up by exactly one.
            assertThat(after.gtidSet()).isEqualTo("0-7-" + (sequence(before.gtidSet()) + 1));
            // The GTID reported is the one at exactly that offset, as the server computes it from the binlog.
            assertThat(after.gtidSet()).isEqualTo(gtidAt(c, after));
            assertThat(ServerInfo.currentPosition(c)).isEqualTo(after);
        }
    }

    /** MySQL: its own GTID format (uuid:1-N), read from the status row's Executed_Gtid_Set with the offset. */
    @Test
    void detectsMySqlAndReadsItsSettingsAndPosition() throws SQLException {
        try (LocalMySql mysql = LocalMySql.builder().serverId(8).start()) {
            mysql.createCdcUser("cdc", "cdc-pw");
            mysql.execute("CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY)");
            try (Connection c = SourceAccess.of(SourceSettings.login(mysql.host(), mysql.port(), "cdc",
                    new Secret("cdc-pw"), Duration.ofSeconds(5))).connect()) {
                assertThat(FlavorDetector.detect(c)).isEqualTo(ServerFlavor.MYSQL);
                ServerInfo info = ServerInfo.read(c);
                assertThat(info.flavor()).isEqualTo(ServerFlavor.MYSQL);
                assertThat(info.serverId()).isEqualTo(8);
                assertThat(info.binlogRowImage()).isEqualTo("FULL");
                assertThat(info.gtidMode()).isEqualTo("ON");
                assertThat(info.gtidsEnabled()).isTrue();
                ServerInfo.BinlogPosition before = info.position();
                mysql.execute("INSERT INTO shop.orders VALUES (1)");
                ServerInfo.BinlogPosition after = ServerInfo.currentPosition(c);
                assertThat(after.position()).isGreaterThan(before.position());
                String uuid = before.gtidSet().substring(0, before.gtidSet().indexOf(':'));
                long last = Long.parseLong(before.gtidSet().substring(before.gtidSet().lastIndexOf('-') + 1));
                assertThat(after.gtidSet()).isEqualTo(uuid + ":1-" + (last + 1)).isEqualTo(mysql.gtidPosition());
            }
        }
    }

    private static long sequence(String mariaDbGtid) {
        return mariaDbGtid == null ? 0 : Long.parseLong(mariaDbGtid.substring(mariaDbGtid.lastIndexOf('-') + 1));
    }

    private static String gtidAt(Connection c, ServerInfo.BinlogPosition p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT BINLOG_GTID_POS(?, ?)")) {
            ps.setString(1, p.file());
            ps.setLong(2, p.position());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static Connection cdcConnection() throws SQLException {
        return SourceAccess.of(SourceSettings.login(db.host(), db.port(), "cdc", new Secret("cdc-pw"),
                Duration.ofSeconds(5))).connect();
    }
}
