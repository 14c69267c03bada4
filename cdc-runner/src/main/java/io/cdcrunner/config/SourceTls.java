package io.cdcrunner.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How the daemon encrypts its connections to the source: the {@code source.ssl.*} keys. Applied to every connection
 * to the source (the binlog reader, the daemon's probes, {@code check}, and the processor's pools when they have no
 * URL of their own).
 *
 * @param mode               {@code source.ssl.mode}
 * @param trustStore         {@code source.ssl.truststore}: the CAs a certificate is checked against; the JVM's when
 *                           empty
 * @param trustStorePassword {@code source.ssl.truststore.password}
 * @param keyStore           {@code source.ssl.keystore}: a client certificate, for servers that ask for one
 * @param keyStorePassword   {@code source.ssl.keystore.password}
 */
public record SourceTls(Mode mode, Optional<Path> trustStore, Secret trustStorePassword, Optional<Path> keyStore,
                        Secret keyStorePassword) {

    /** From no encryption to a checked certificate that names the host connected to. */
    public enum Mode {
        /** Plain TCP. */
        DISABLED,
        /** TLS when the server offers it, else plain; the certificate is not checked. */
        PREFERRED,
        /** TLS or no connection; the certificate is not checked. */
        REQUIRED,
        /** TLS with a certificate signed by a trusted CA. */
        VERIFY_CA,
        /** TLS with a certificate signed by a trusted CA that names {@code source.host}. */
        VERIFY_IDENTITY;

        /** As written in {@code source.ssl.mode}: {@code verify-ca}. */
        public String configValue() {
            return ConfigType.configName(this);
        }

        /** Whether the server's certificate is checked against a CA. */
        public boolean verifiesCertificate() {
            return this == VERIFY_CA || this == VERIFY_IDENTITY;
        }
    }

    public SourceTls {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(trustStore, "trustStore");
        Objects.requireNonNull(trustStorePassword, "trustStorePassword");
        Objects.requireNonNull(keyStore, "keyStore");
        Objects.requireNonNull(keyStorePassword, "keyStorePassword");
    }
}
