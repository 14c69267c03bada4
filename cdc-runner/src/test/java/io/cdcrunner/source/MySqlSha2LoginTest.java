package io.cdcrunner.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.debezium.config.Configuration;
import io.debezium.connector.mysql.jdbc.MySqlConnection;
import io.debezium.connector.mysql.jdbc.MySqlConnectionConfiguration;

import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.check.CheckReport;
import io.cdcrunner.check.SourceChecks;
import io.cdcrunner.check.SourceLogin;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.localdb.LocalMySql;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.pipeline.RecordingProcessor;
import io.cdcrunner.pipeline.TestPipelines;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.testdb.LocalTestDatabase;
import io.cdcrunner.testkit.DatabaseTest;

/**
 * MySQL only: the daemon's user with MySQL 8's default {@code caching_sha2_password}. MariaDB has no such plugin.
 * Its first login after a server start (or {@code FLUSH PRIVILEGES}) is a full authentication: over TLS, or in
 * plain text with the password encrypted by the server's RSA key, which the client must ask for. Each connection
 * the daemon opens (its own JDBC, the connector's JDBC, the binlog reader) must do that without TLS, and verify the
 * certificate MySQL generated for itself with TLS.
 */
@DatabaseTest
class MySqlSha2LoginTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TRUST_PASSWORD = "trust-store-pw-8";

    @TempDir
    static Path certs;
    @TempDir
    Path temp;

    private static LocalMySql server;
    private static LocalTestDatabase database;

    @BeforeAll
    static void start() {
        server = LocalMySql.builder().start();
        database = new LocalTestDatabase(server);
        database.createCdcUser(TestPipelines.USER, TestPipelines.PASSWORD);
        server.execute("CREATE DATABASE sha2", "CREATE TABLE sha2.orders (id INT PRIMARY KEY)");
    }

    @AfterAll
    static void stop() {
        if (database != null) {
            database.close();
        }
    }

    private RunnerConfig config(String name, Map<String, String> tls) throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of("pipeline.name", name, "source.tables", "sha2.orders"));
        settings.putAll(tls);
        RecordingProcessor.reset(name);
        return TestPipelines.config(database, Files.createDirectories(temp.resolve(name)), settings);
    }

    /** Empties the server's cache of verified passwords: the next login of the daemon's user is a full one. */
    private static void forgetVerifiedPasswords() {
        server.execute("FLUSH PRIVILEGES");
    }

    private static CheckReport check(RunnerConfig config) {
        return new SourceChecks(new SourceLogin(config.source()), config.source().tables(), config.source().serverId(),
                config.stateDir()).run();
    }

    @Test
    void theUserIsCreatedWithMySqlsDefaultPlugin() {
        assertThat(server.queryString("SELECT plugin FROM mysql.user WHERE user = '" + TestPipelines.USER
                + "' AND host = '%'")).isEqualTo("caching_sha2_password");
    }

    @Test
    void theConnectorsOwnJdbcLoginWithoutTlsFetchesTheServersKey() throws Exception {
        // In Kafka Connect the connector may be the first to log in after a server restart: nothing warmed the cache.
        RunnerConfig config = config("connector-login", Map.of("source.ssl.mode", "disabled"));
        Map<String, String> engine = SourceAccess.of(config.source()).engineProperties(ServerFlavor.MYSQL);
        forgetVerifiedPasswords();
        try (MySqlConnection connection = new MySqlConnection(
                new MySqlConnectionConfiguration(Configuration.from(engine)), null);
             Connection jdbc = connection.connection(); Statement s = jdbc.createStatement();
             ResultSet rs = s.executeQuery("SELECT CURRENT_USER()")) {
            rs.next();
            assertThat(rs.getString(1)).startsWith(TestPipelines.USER + "@");
            assertThat(SourceAccess.encryption(jdbc)).as("plain text: the RSA exchange, not TLS").isEmpty();
        }
    }

    @Test
    void withoutTlsTheDaemonStreamsAndItsBinlogReaderLogsInAgainThroughTheServersKey() throws Exception {
        RunnerConfig config = config("plain", Map.of("source.ssl.mode", "disabled"));
        forgetVerifiedPasswords();
        assertThat(check(config).render()).contains("[ OK ] connect").doesNotContain("encrypted (TLS");
        try (Pipeline pipeline = Pipelines.create(config)) {
            forgetVerifiedPasswords();
            pipeline.start();
            server.execute("INSERT INTO sha2.orders VALUES (1)");
            await().atMost(WAIT).until(() -> !RecordingProcessor.events("plain").isEmpty() || pipeline.state().isFinal());
            // The binlog reader's connection dropped while the cache is empty: it reconnects on its own, first.
            forgetVerifiedPasswords();
            server.execute("KILL " + server.queryString("SELECT id FROM information_schema.PROCESSLIST "
                    + "WHERE user = '" + TestPipelines.USER + "' AND command LIKE 'Binlog Dump%'"));
            server.execute("INSERT INTO sha2.orders VALUES (2)");
            await().atMost(WAIT).until(() -> RecordingProcessor.events("plain").size() >= 2 || pipeline.state().isFinal());
            assertThat(RecordingProcessor.events("plain")).extracting(e -> e.row().get("id")).containsExactly(1, 2);
        }
    }

    @Test
    void withTlsTheDaemonVerifiesTheCertificateMySqlMadeForItself() throws Exception {
        Path trustStore = certs.resolve("mysql-ca.p12");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream ca = Files.newInputStream(server.caCertificate())) {
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(ca));
        }
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            store.store(out, TRUST_PASSWORD.toCharArray());
        }
        RunnerConfig config = config("verified", Map.of("source.ssl.mode", "verify-ca",
                "source.ssl.truststore", trustStore.toString(), "source.ssl.truststore.password", TRUST_PASSWORD));
        forgetVerifiedPasswords();
        assertThat(check(config).render()).contains("[ OK ] connect", "encrypted (TLSv1.");
        try (Pipeline pipeline = Pipelines.create(config)) {
            forgetVerifiedPasswords();
            pipeline.start();
            server.execute("INSERT INTO sha2.orders VALUES (10)");
            await().atMost(WAIT).until(() -> !RecordingProcessor.events("verified").isEmpty() || pipeline.state().isFinal());
            assertThat(RecordingProcessor.events("verified")).extracting(e -> e.row().get("id")).containsExactly(10);
        }
    }
}
