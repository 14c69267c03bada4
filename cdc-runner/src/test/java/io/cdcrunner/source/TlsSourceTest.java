package io.cdcrunner.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.check.CheckReport;
import io.cdcrunner.check.SourceChecks;
import io.cdcrunner.check.SourceLogin;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.localdb.LocalServer;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.core.PipelineStartException;
import io.cdcrunner.pipeline.RecordingProcessor;
import io.cdcrunner.pipeline.TestPipelines;
import io.cdcrunner.testdb.LocalTestDatabase;
import io.cdcrunner.testdb.TestDatabase;
import io.cdcrunner.testkit.DatabaseTest;

/**
 * A source that accepts only TLS ({@code require_secure_transport=ON}), with a certificate made for this test by a CA
 * made for this test: the daemon streams through a verified connection, {@code check} says the connection is
 * encrypted, and the wrong settings fail at once with what to change. On both flavors, with the same certificates
 * (MySQL's own, generated in its data directory, are {@link MySqlSha2LoginTest}'s).
 */
@DatabaseTest
@ParameterizedClass(name = "{0}")
@EnumSource(Flavor.class)
class TlsSourceTest {

    private static final String TRUST_PASSWORD = "trust-store-pw-7";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path certs;
    @TempDir
    Path temp;

    private static LocalServer server;
    private static LocalTestDatabase database;
    private static Path trustStore;

    @Parameter
    Flavor flavor;

    @BeforeAll
    static void makeCertificates() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=cdc-runner test CA",
                "-keyout", "ca-key.pem", "-out", "ca.pem");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server-key.pem",
                "-out", "server.csr");
        // The certificate names localhost only: connecting to 127.0.0.1 cannot verify its identity.
        Files.writeString(certs.resolve("server.ext"), "subjectAltName=DNS:localhost\n");
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
                "-days", "2", "-extfile", "server.ext", "-out", "server.pem");
        trustStore = certs.resolve("trust.p12");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream ca = Files.newInputStream(certs.resolve("ca.pem"))) {
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(ca));
        }
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            store.store(out, TRUST_PASSWORD.toCharArray());
        }
    }

    @BeforeParameterizedClassInvocation
    static void startServerThatRequiresTls(Flavor flavor) {
        server = flavor.builder()
                .serverArg("--ssl-ca=" + certs.resolve("ca.pem"))
                .serverArg("--ssl-cert=" + certs.resolve("server.pem"))
                .serverArg("--ssl-key=" + certs.resolve("server-key.pem"))
                .start();
        database = new LocalTestDatabase(server);
        database.createCdcUser(TestPipelines.USER, TestPipelines.PASSWORD);
        server.execute("CREATE DATABASE tls", "CREATE TABLE tls.orders (id INT PRIMARY KEY)",
                "SET GLOBAL require_secure_transport = ON");
    }

    @AfterParameterizedClassInvocation
    static void stopServer() throws SQLException {
        if (server != null) {
            try (Connection c = rootOverTls(); Statement s = c.createStatement()) {
                s.execute("SET GLOBAL require_secure_transport = OFF");
            }
            database.close();
            server = null;
        }
    }

    private static Connection rootOverTls() throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + server.port()
                + "/?sslMode=REQUIRED&allowPublicKeyRetrieval=true", "root", "");
    }

    private static void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(certs.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0).as(output).isTrue();
    }

    private RunnerConfig config(String name, Map<String, String> tls) throws IOException {
        Map<String, String> settings = new HashMap<>(Map.of("pipeline.name", name, "source.tables", "tls.orders"));
        settings.putAll(tls);
        RecordingProcessor.reset(name);
        return TestPipelines.config(database(), Files.createDirectories(temp.resolve(name)), settings);
    }

    private static Map<String, String> verifyCa() {
        return Map.of("source.ssl.mode", "verify-ca", "source.ssl.truststore", trustStore.toString(),
                "source.ssl.truststore.password", TRUST_PASSWORD);
    }

    private static CheckReport check(RunnerConfig config) {
        return new SourceChecks(new SourceLogin(config.source()), config.source().tables(), config.source().serverId(),
                config.stateDir()).run();
    }

    @Test
    void theDaemonStreamsThroughACertificateItVerified() throws Exception {
        RunnerConfig config = config("verified", verifyCa());
        CheckReport report = check(config);
        assertThat(report.render()).contains("[ OK ] connect", "encrypted (TLSv1.").doesNotContain(TRUST_PASSWORD);
        try (Pipeline pipeline = Pipelines.create(config)) {
            pipeline.start();
            try (Connection c = rootOverTls(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO tls.orders VALUES (1)");
            }
            await().atMost(WAIT).until(() -> !RecordingProcessor.events("verified").isEmpty() || pipeline.state().isFinal());
            assertThat(RecordingProcessor.events("verified")).extracting(e -> e.row().get("id")).containsExactly(1);
        }
    }

    @Test
    void theJdbcDeadLetterStoreOnTheSourceServerVerifiesTheSameCertificate() throws Exception {
        Map<String, String> settings = new HashMap<>(verifyCa());
        settings.put("deadletter.store", "io.cdcrunner.deadletter.JdbcDeadLetterStore");
        settings.put("processor.on.failure", "dead-letter");
        RunnerConfig config = config("tls-letters", settings);
        // The store connects at start, to the source's own URL (the default): through its trust store.
        try (Pipeline pipeline = Pipelines.create(config)) {
            pipeline.start();
            try (Connection c = rootOverTls(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO tls.orders VALUES (3)");
            }
            await().atMost(WAIT).until(() -> !RecordingProcessor.events("tls-letters").isEmpty() || pipeline.state().isFinal());
            assertThat(RecordingProcessor.events("tls-letters")).extracting(e -> e.row().get("id")).containsExactly(3);
        }
    }

    @Test
    void theDefaultModeEncryptsWhenTheServerOffersTls() throws Exception {
        // No source.ssl.* at all: preferred. The server refuses plain connections, so a stream proves TLS.
        RunnerConfig config = config("preferred", Map.of());
        assertThat(check(config).render()).contains("[ OK ] connect", "encrypted (TLSv1.");
        try (Pipeline pipeline = Pipelines.create(config)) {
            pipeline.start();
            try (Connection c = rootOverTls(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO tls.orders VALUES (2)");
            }
            await().atMost(WAIT).until(() -> !RecordingProcessor.events("preferred").isEmpty() || pipeline.state().isFinal());
            assertThat(RecordingProcessor.events("preferred")).extracting(e -> e.row().get("id")).contains(2);
        }
    }

    @Test
    void aPlainConnectionIsRefusedWithTheKeyToSet() throws Exception {
        RunnerConfig config = config("plain", Map.of("source.ssl.mode", "disabled"));
        String report = check(config).render();
        // MariaDB answers a plain login with "access denied" when it requires TLS: the fix says it may be that.
        // MySQL names the cause (error 3159, "insecure transport are prohibited"): the fix is certain.
        String fix = flavor == Flavor.MARIADB ? "try source.ssl.mode=required"
                : "set source.ssl.mode to required, verify-ca or verify-identity (it is disabled)";
        assertThat(report).contains("[FAIL] connect", "require_secure_transport=ON", fix);
        if (flavor == Flavor.MYSQL) {
            assertThat(report).contains("accepts only encrypted connections").doesNotContain("access denied");
        }
        assertThatThrownBy(() -> {
            try (Pipeline pipeline = Pipelines.create(config)) {
                pipeline.start();
            }
        }).isInstanceOf(PipelineStartException.class).hasMessageContaining(fix);
    }

    @Test
    void verifyIdentityAgainstANameTheCertificateDoesNotHoldFailsAtOnce() throws Exception {
        Map<String, String> tls = new HashMap<>(verifyCa());
        tls.put("source.ssl.mode", "verify-identity");
        RunnerConfig config = config("identity", tls);
        String report = check(config).render();
        assertThat(report).contains("[FAIL] connect", "source.ssl.mode=verify-identity",
                "the server's certificate does not name 127.0.0.1", "source.ssl.mode=verify-ca");
        // Not retried as if the server were down: that would wait for ever.
        assertTimeoutPreemptively(WAIT, () -> assertThatThrownBy(() -> {
            try (Pipeline pipeline = Pipelines.create(config)) {
                pipeline.start();
            }
        }).isInstanceOf(PipelineStartException.class)
                .hasMessageContaining("the server's certificate does not name 127.0.0.1"));
    }

    @Test
    void anUnknownCaIsNamedAsTheProblem() throws Exception {
        RunnerConfig config = config("unknown-ca", Map.of("source.ssl.mode", "verify-ca"));
        assertThat(check(config).render()).contains("[FAIL] connect", "source.ssl.mode=verify-ca",
                "give source.ssl.truststore");
    }

    private static TestDatabase database() {
        return database;
    }
}
