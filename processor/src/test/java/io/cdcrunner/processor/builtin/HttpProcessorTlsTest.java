package io.cdcrunner.processor.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.ProcessorConfig;
import io.cdcrunner.processor.TargetUnavailableException;
import io.cdcrunner.testkit.ChangeEventBuilder;
import io.cdcrunner.testkit.HttpEndpoint;
import io.cdcrunner.testkit.HttpEndpoint.Answer;
import io.cdcrunner.testkit.UnitTest;

/**
 * HttpProcessor over a real TLS handshake, with a server certificate made for this test by the JDK's keytool (run
 * once, the one process of the class): trusted through {@code processor.http.tls.truststore}, and refused with the key
 * to set when the trust store is not given.
 */
@UnitTest
class HttpProcessorTlsTest {

    private static final String STORE_PASSWORD = "store-pw-41";
    private static final String TRUST_PASSWORD = "trust-pw-83";

    @TempDir
    static Path certs;

    private static SSLContext serverTls;

    private HttpEndpoint endpoint;
    private HttpProcessor processor;

    @BeforeAll
    static void makeCertificate() throws Exception {
        Path serverStore = certs.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "RSA",
                "-keysize", "2048", "-validity", "2", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", serverStore.toString(), "-storepass", STORE_PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0).as(output).isTrue();

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(serverStore)) {
            keys.load(in, STORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, STORE_PASSWORD.toCharArray());
        serverTls = SSLContext.getInstance("TLS");
        serverTls.init(keyManagers.getKeyManagers(), null, null);
        // The self-signed certificate is its own CA: a trust store holding it vouches for the server.
        for (String type : List.of("PKCS12", "JKS")) {
            KeyStore trust = KeyStore.getInstance(type);
            trust.load(null, null);
            trust.setCertificateEntry("server-ca", keys.getCertificate("server"));
            try (OutputStream out = Files.newOutputStream(certs.resolve("trust." + type.toLowerCase()))) {
                trust.store(out, TRUST_PASSWORD.toCharArray());
            }
        }
    }

    @BeforeEach
    void startServer() {
        endpoint = HttpEndpoint.startTls(serverTls, request -> Answer.of(200));
    }

    @AfterEach
    void stop() {
        if (processor != null) {
            processor.close();
        }
        endpoint.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"trust.pkcs12", "trust.jks"})
    void eventsArePostedToAServerWhoseCaTheTrustStoreHolds(String trustStore) throws Exception {
        ProcessorConfig config = config(Map.of("http.tls.truststore", certs.resolve(trustStore).toString(),
                "http.tls.truststore.password", TRUST_PASSWORD));
        open(config);

        processor.processGroup(List.of(order(1)));

        assertThat(endpoint.uri("/orders").getScheme()).isEqualTo("https");
        assertThat(endpoint.requests()).hasSize(1);
        assertThat(config.unreadKeys()).isEmpty();
    }

    @Test
    void withoutTheTrustStoreTheHandshakeFailsNamingTheKeyToSet() {
        open(config(Map.of()));

        assertThatThrownBy(() -> processor.processGroup(List.of(order(1))))
                .isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("POST " + endpoint.uri("/orders") + ": TLS handshake failed: the server's "
                        + "certificate is not trusted")
                .hasMessageContaining("set processor.http.tls.truststore to a trust store holding that CA");
        assertThat(endpoint.requests()).isEmpty();
    }

    @Test
    void aTrustStoreThatCannotBeReadIsRefusedAtOpenNamingItsPath() {
        Path store = certs.resolve("trust.pkcs12");

        assertThatThrownBy(() -> open(config(Map.of("http.tls.truststore", store.toString(),
                "http.tls.truststore.password", "wrong-pw-19"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("processor.http.tls.truststore=" + store + " cannot be read as a PKCS12 or JKS "
                        + "trust store")
                .hasMessageContaining("processor.http.tls.truststore.password")
                .hasMessageNotContaining("wrong-pw-19");
    }

    private ProcessorConfig config(Map<String, String> tls) {
        Map<String, String> config = new HashMap<>(tls);
        config.put("http.url", endpoint.uri("/orders").toString());
        return new ProcessorConfig(config);
    }

    private void open(ProcessorConfig config) {
        processor = new HttpProcessor();
        processor.open(TestContexts.withoutDatabase("http-tls", config, null));
    }

    private static ChangeEvent order(long id) {
        return ChangeEventBuilder.insert().key("id", id).after(Map.of("id", id, "amount", BigDecimal.TEN)).at(id).build();
    }
}
