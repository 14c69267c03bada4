package io.cdcrunner.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.check.CheckResult.Status;
import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.localdb.LocalServer;
import io.cdcrunner.source.ServerInfo;
import io.cdcrunner.testkit.DatabaseTest;

@DatabaseTest
@ParameterizedClass(name = "{0}")
@EnumSource(Flavor.class)
class SourceChecksTest {

    private static final String CDC_PASSWORD = "cdc-Secret-42";
    private static final List<String> TABLES = List.of("shop.orders", "shop\\.order_line.*");
    private static final long FREE_ID = 5401;

    private static LocalServer db;

    @Parameter
    Flavor flavor;

    @TempDir
    Path tmp;

    @BeforeParameterizedClassInvocation
    static void startServer(Flavor flavor) {
        db = flavor.builder().start();
        db.execute("CREATE DATABASE shop",
                "CREATE TABLE shop.orders (id INT PRIMARY KEY, total DECIMAL(10,2))",
                "CREATE TABLE shop.order_lines (order_id INT, line INT, sku VARCHAR(20), PRIMARY KEY (order_id, line))",
                "CREATE TABLE shop.audit (at DATETIME, note VARCHAR(100))",
                "CREATE USER 'reader'@'%' IDENTIFIED BY 'reader-pw'",
                "GRANT SELECT ON shop.* TO 'reader'@'%'",
                "CREATE USER 'nobody'@'%' IDENTIFIED BY 'nobody-pw'",
                // An application account that may switch its session to statement-format binlog.
                "CREATE USER 'app'@'%' IDENTIFIED BY 'app-pw'", "GRANT INSERT, " + (flavor == Flavor.MARIADB
                        ? "BINLOG ADMIN" : "SESSION_VARIABLES_ADMIN") + " ON *.* TO 'app'@'%'");
        db.createCdcUser("cdc", CDC_PASSWORD);
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void wellPreparedServerPassesEveryCheck() {
        CheckReport report = checks(db, "cdc", CDC_PASSWORD, TABLES, FREE_ID).run();

        assertThat(report.results()).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(Status.OK));
        assertThat(report.passed()).isTrue();
        assertThat(detail(report, "log_bin")).isEqualTo("ON");
        assertThat(detail(report, "binlog_format")).isEqualTo("ROW");
        assertThat(detail(report, "binlog_row_image")).isEqualTo("FULL");
        assertThat(detail(report, "server")).startsWith(flavor == Flavor.MARIADB ? "MariaDB 10." : "MySQL 8.");
        // MariaDB has no binlog_row_value_options; on MySQL it is '' unless PARTIAL_JSON is set.
        assertThat(detail(report, "binlog_row_value_options")).contains("JSON values are logged whole");
        assertThat(detail(report, "binlog position")).startsWith("binlog.");
        assertThat(detail(report, "table shop.orders")).isEqualTo("exists, primary key (id)");
        assertThat(detail(report, "tables shop\\.order_line.*")).contains("shop.order_lines");
        assertThat(detail(report, "session binlog_format")).contains("'root'@'localhost'", "'app'@'%'")
                .doesNotContain("'cdc'@");
        assertThat(report.render()).contains("[ OK ] log_bin ").contains(" ON\n").endsWith("check passed: "
                + report.results().size() + " checks\n");
    }

    @Test
    void aMissingTableFailsAndATableWithoutPrimaryKeyIsWarnedAbout() {
        CheckReport report = checks(db, "cdc", CDC_PASSWORD,
                List.of("shop.orders", "shop.missing", "shop.audit", "shop\\.nothing_.*", "shop\\.(audit|orders)"),
                FREE_ID).run();

        assertThat(report.find("table shop.orders").orElseThrow().status()).isEqualTo(Status.OK);
        CheckResult missing = report.find("table shop.missing").orElseThrow();
        assertThat(missing.status()).isEqualTo(Status.FAIL);
        assertThat(missing.detail()).contains("does not exist");
        CheckResult noKey = report.find("table shop.audit").orElseThrow();
        assertThat(noKey.status()).isEqualTo(Status.WARN);
        assertThat(noKey.detail()).contains("no primary key", "empty key()", "commit order");
        assertThat(noKey.fix()).contains("ALTER TABLE shop.audit ADD PRIMARY KEY (...)");
        assertThat(report.find("tables shop\\.nothing_.*").orElseThrow().status()).isEqualTo(Status.FAIL);
        CheckResult regex = report.find("tables shop\\.(audit|orders)").orElseThrow();
        assertThat(regex.status()).isEqualTo(Status.WARN);
        assertThat(regex.detail()).contains("shop.audit").doesNotContain("shop.orders");
        assertThat(report.passed()).isFalse();
    }

    @Test
    void userWithoutReplicationGrantsGetsTheGrantStatement() {
        CheckReport report = checks(db, "reader", "reader-pw", TABLES, FREE_ID).run();

        CheckResult grants = report.find("grants").orElseThrow();
        assertThat(grants.status()).isEqualTo(Status.FAIL);
        // MariaDB 10.5 renamed REPLICATION CLIENT to BINLOG MONITOR; MySQL kept the old name.
        String client = flavor == Flavor.MARIADB ? "BINLOG MONITOR" : "REPLICATION CLIENT";
        assertThat(grants.detail()).contains("REPLICATION SLAVE", client).doesNotContain("SELECT");
        assertThat(grants.fix()).contains("GRANT REPLICATION SLAVE, " + client + " ON *.* TO 'reader'@'%'");
        assertThat(report.find("binlog position").orElseThrow().status()).isEqualTo(Status.FAIL);
        // Settings anyone may read are still checked.
        assertThat(report.find("log_bin").orElseThrow().status()).isEqualTo(Status.OK);
        assertThat(report.render()).doesNotContain("PASSWORD '*");
    }

    @Test
    void userWithoutSelectIsToldToGrantItOnTheDatabase() {
        CheckReport report = checks(db, "nobody", "nobody-pw", List.of("shop.orders"), FREE_ID).run();

        CheckResult grants = report.find("grants").orElseThrow();
        assertThat(grants.status()).isEqualTo(Status.FAIL);
        assertThat(grants.fix()).contains("GRANT SELECT ON `shop`.* TO 'nobody'@'%'");
        // information_schema hides the table from this user: the message says so.
        assertThat(report.find("table shop.orders").orElseThrow().detail()).contains("cannot see it");
    }

    @Test
    void serverIdOfTheSourceItselfIsRejected() {
        CheckResult result = checks(db, "cdc", CDC_PASSWORD, TABLES, 1).run().find("replica server id").orElseThrow();

        assertThat(result.status()).isEqualTo(Status.FAIL);
        assertThat(result.detail()).contains("source's own server_id");
        assertThat(result.fix()).startsWith("set source.server.id to an unused value");
    }

    @Test
    void stateDirectoryUnderARegularFileFails() throws IOException {
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
        Path stateDir = file.resolve("state");

        CheckReport report = new SourceChecks(login(db, "cdc", CDC_PASSWORD), TABLES, FREE_ID, stateDir).run();

        CheckResult result = report.find("state directory").orElseThrow();
        assertThat(result.status()).isEqualTo(Status.FAIL);
        assertThat(result.detail()).contains(stateDir.toString());
        assertThat(result.fix()).contains(file.toString()).contains("owner: ");
        assertThat(report.failures()).hasSize(1);
    }

    @Test
    void missingStateDirectoryIsCreatedAndLeftEmpty() throws IOException {
        Path stateDir = tmp.resolve("a/b/state");

        CheckResult result = new SourceChecks(login(db, "cdc", CDC_PASSWORD), TABLES, FREE_ID, stateDir).run()
                .find("state directory").orElseThrow();

        assertThat(result.status()).isEqualTo(Status.OK);
        assertThat(stateDir).isDirectory();
        try (var files = Files.list(stateDir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void wrongPasswordIsReportedWithoutThePassword() {
        String wrong = "Wr0ng-Pa55word";
        CheckReport report = checks(db, "cdc", wrong, TABLES, FREE_ID).run();

        CheckResult connect = report.find("connect").orElseThrow();
        assertThat(connect.status()).isEqualTo(Status.FAIL);
        assertThat(connect.detail()).contains("access denied", db.host() + ":" + db.port());
        assertThat(connect.fix()).contains("source.password");
        assertThat(report.find("log_bin").orElseThrow().detail()).isEqualTo("skipped: not connected");
        assertThat(report.find("state directory").orElseThrow().status()).isEqualTo(Status.OK);
        assertThat(report.render()).doesNotContain(wrong).doesNotContain(CDC_PASSWORD);
        assertThat(report.toString()).doesNotContain(wrong);
    }

    @Test
    void nothingListeningIsConnectionRefused() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        CheckReport report = new SourceChecks(new SourceLogin("127.0.0.1", port, "cdc", "pw".toCharArray(),
                Duration.ofSeconds(2)), TABLES, FREE_ID, tmp.resolve("state")).run();

        CheckResult connect = report.find("connect").orElseThrow();
        assertThat(connect.status()).isEqualTo(Status.FAIL);
        assertThat(connect.detail()).startsWith("connection refused at 127.0.0.1:" + port);
        assertThat(connect.fix()).contains("source.host", "source.port");
        assertThat(report.passed()).isFalse();
    }

    @Test
    void serverWithoutBinlogFailsLogBinWithTheMyCnfSetting() throws SQLException {
        try (LocalServer noBinlog = flavor.builder().binlog(false).start()) {
            noBinlog.createCdcUser("cdc", CDC_PASSWORD);
            CheckReport report = checks(noBinlog, "cdc", CDC_PASSWORD, List.of(), FREE_ID).run();

            CheckResult logBin = report.find("log_bin").orElseThrow();
            assertThat(logBin.status()).isEqualTo(Status.FAIL);
            assertThat(logBin.detail()).isEqualTo("OFF");
            assertThat(logBin.fix()).contains("log_bin", "my.cnf", "log_bin=binlog", "restart");
            assertThat(report.render()).contains("[FAIL] log_bin ").contains("fix: log_bin is OFF");

            try (Connection c = noBinlog.rootConnection()) {
                assertThat(ServerInfo.read(c).position()).isNull();
                assertThatThrownBy(() -> ServerInfo.currentPosition(c)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("log_bin is OFF");
            }
        }
    }

    @Test
    void statementFormatFails() {
        try (LocalServer statement = flavor.builder().serverArg("--binlog-format=STATEMENT").start()) {
            statement.createCdcUser("cdc", CDC_PASSWORD);
            CheckReport report = checks(statement, "cdc", CDC_PASSWORD, List.of(), FREE_ID).run();

            CheckResult format = report.find("binlog_format").orElseThrow();
            assertThat(format.status()).isEqualTo(Status.FAIL);
            assertThat(format.detail()).isEqualTo("STATEMENT");
            assertThat(format.fix()).contains("binlog_format=ROW", "my.cnf", "restart");
            assertThat(report.render()).contains("[FAIL] binlog_format ").contains(" STATEMENT\n");
        }
    }

    @Test
    void serverIdOfAConnectedReplicaIsRejected() {
        try (LocalServer replica = db.startReplica(2, 0)) {
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> registeredReplicas() > 0);

                // root may list replicas (MariaDB: REPLICATION MASTER ADMIN, which the cdc user lacks).
                CheckResult taken = checks(db, "root", "", TABLES, 2).run().find("replica server id").orElseThrow();
                assertThat(taken.status()).isEqualTo(Status.FAIL);
                assertThat(taken.detail()).contains("used by the replica");
                assertThat(taken.fix()).startsWith("set source.server.id to an unused value");

                CheckResult free = checks(db, "root", "", TABLES, FREE_ID).run().find("replica server id").orElseThrow();
                assertThat(free.status()).isEqualTo(Status.OK);
                assertThat(free.detail()).contains("1 registered replicas");
            } finally {
                replica.execute(flavor == Flavor.MARIADB ? "STOP SLAVE" : "STOP REPLICA");
            }
        }
    }

    private int registeredReplicas() throws SQLException {
        int n = 0;
        try (Connection c = db.rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(flavor == Flavor.MARIADB ? "SHOW SLAVE HOSTS" : "SHOW REPLICAS")) {
            while (rs.next()) {
                n++;
            }
        }
        return n;
    }

    private SourceChecks checks(LocalServer server, String user, String password, List<String> tables, long id) {
        return new SourceChecks(login(server, user, password), tables, id, tmp.resolve("state"));
    }

    private static SourceLogin login(LocalServer server, String user, String password) {
        return new SourceLogin(server.host(), server.port(), user, password.toCharArray(), Duration.ofSeconds(5));
    }

    private static String detail(CheckReport report, String name) {
        return report.find(name).orElseThrow(() -> new AssertionError("no check " + name + " in\n" + report.render()))
                .detail();
    }
}
