package io.cdcrunner.processor.builtin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;
import java.util.List;
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
     * The SSL context trusting the configured store, or empty for the JVM's default trust (also when the store is
     * unusable: the problem, naming the key and the file, is then added to {@code problems}).
     */
    static Optional<SSLContext> from(ProcessorConfig config, String prefix, List<String> problems) {
        String storeKey = prefix + ".tls.truststore";
        return trust(problems, "processor." + storeKey, "processor." + storeKey + ".password",
                config.find(storeKey), config.find(storeKey + ".password"));
    }

    private static Optional<SSLContext> trust(List<String> problems, String key, String passwordKey,
                                               Optional<String> path, Optional<String> password) {
        if (path.isEmpty()) {
            if (password.isPresent()) {
                problems.add(passwordKey + " is set but " + key
                        + " is not: give the trust store's path, or remove the password");
            }
            return Optional.empty();
        }
        Path file;
        try {
            file = Path.of(path.get());
        } catch (InvalidPathException e) {
            problems.add(key + "=" + path.get() + " is not a file path");
            return Optional.empty();
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            problems.add(key + "=" + file + ": no such readable file; give the path of a PKCS12 or JKS trust store "
                    + "holding the CA that signed the server's certificate");
            return Optional.empty();
        }
        try {
            KeyStore store = KeyStore.getInstance(file.toFile(), password.map(String::toCharArray).orElse(null));
            if (Collections.list(store.aliases()).stream().noneMatch(alias -> isCertificate(store, alias))) {
                problems.add(key + "=" + file + " holds no certificate: import the CA that signed the server's "
                        + "certificate into it");
                return Optional.empty();
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return Optional.of(context);
        } catch (IOException | GeneralSecurityException e) {
            problems.add(key + "=" + file + " cannot be read as a PKCS12 or JKS trust store (" + e.getMessage()
                    + "); check the file and " + passwordKey);
            return Optional.empty();
        }
    }

    private static boolean isCertificate(KeyStore store, String alias) {
        try {
            return store.isCertificateEntry(alias) || store.getCertificate(alias) != null;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
