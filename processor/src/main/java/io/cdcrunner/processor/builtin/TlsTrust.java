package io.cdcrunner.processor.builtin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import io.cdcrunner.processor.ProcessorConfig;

/**
 * The certificates a processor trusts on a TLS connection to its target: the JVM's own, or a trust store named by
 * {@code processor.<prefix>.tls.truststore} (PKCS12 or JKS) with {@code processor.<prefix>.tls.truststore.password}
 * (a secret, masked in every output).
 */
final class TlsTrust {

    private TlsTrust() {
    }

    /**
     * The SSL context trusting the configured store, or empty for the JVM's default trust.
     *
     * @throws IllegalArgumentException naming the key and the file when the store cannot be read
     */
    static Optional<SSLContext> from(ProcessorConfig config, String prefix) {
        String storeKey = prefix + ".tls.truststore";
        String passwordKey = storeKey + ".password";
        Optional<String> store = config.find(storeKey);
        Optional<String> password = config.find(passwordKey);
        if (store.isEmpty()) {
            if (password.isPresent()) {
                throw new IllegalArgumentException("processor." + passwordKey + " is set without processor." + storeKey
                        + ": name the trust store file too");
            }
            return Optional.empty();
        }
        Path path = Path.of(store.get());
        char[] secret = password.map(String::toCharArray).orElse(null);
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore trusted = KeyStore.getInstance(path.toString().endsWith(".jks") ? "JKS" : "PKCS12");
            trusted.load(in, secret);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return Optional.of(context);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("processor." + storeKey + "=" + path + " cannot be read as a trust store ("
                    + e.getMessage() + "): give a PKCS12 (.p12) or JKS (.jks) file and its password in processor."
                    + passwordKey, e);
        }
    }
}
