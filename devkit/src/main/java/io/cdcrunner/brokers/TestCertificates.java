package io.cdcrunner.brokers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A certificate authority made for one test and a server certificate it signed for {@code localhost} and
 * {@code 127.0.0.1} (so a client checking the host name accepts either), valid two days, in PEM files made with the
 * {@code openssl} program (Debian package {@code openssl}). The keys are not encrypted.
 */
public final class TestCertificates {

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** Makes the CA and the server certificate in {@code dir} (created if missing). */
    public static TestCertificates create(Path dir) {
        try {
            Files.createDirectories(dir);
            openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=cdc-runner test CA", "-keyout", "ca-key.pem", "-out", "ca.pem");
            openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout",
                    "server-key.pem", "-out", "server.csr");
            Files.writeString(dir.resolve("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
            openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
                    "-CAcreateserial", "-days", "2", "-extfile", "server.ext", "-out", "server.pem");
            return new TestCertificates(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make test certificates in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The CA's certificate: what a client trusts. */
    public Path caCertificate() {
        return dir.resolve("ca.pem");
    }

    /** The server's certificate, signed by the CA. */
    public Path serverCertificate() {
        return dir.resolve("server.pem");
    }

    /** The server certificate's private key. */
    public Path serverKey() {
        return dir.resolve("server-key.pem");
    }

    /** A TLS context trusting this CA alone. */
    public SSLContext sslContext() {
        try (InputStream ca = Files.newInputStream(caCertificate())) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            trusted.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(ca));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load " + caCertificate() + ": " + e.getMessage(), e);
        }
    }

    private static void openssl(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("openssl not found: install it (Debian/Ubuntu: sudo apt-get install openssl)", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during openssl", e);
        }
    }
}
