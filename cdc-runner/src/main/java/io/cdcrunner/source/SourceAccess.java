package io.cdcrunner.source;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.slf4j.LoggerFactory;

import io.cdcrunner.config.SourceSettings;
import io.cdcrunner.config.SourceTls;
import io.cdcrunner.processor.ServerFlavor;

/**
 * The one way to the source server: the JDBC URL and properties of every connection the daemon opens to it, and the
 * binlog reader's connection settings, all from {@link SourceSettings} (address, login, timeout, {@code source.ssl.*}).
 * IPv6 literals are bracketed. Passwords (the login's, the key stores') go to the driver as properties, never into a
 * URL, so a logged URL or an error quoting one holds none.
 */
public final class SourceAccess {

    private final SourceSettings source;

    public SourceAccess(SourceSettings source) {
        this.source = source;
    }

    public static SourceAccess of(SourceSettings source) {
        return new SourceAccess(source);
    }

    /** {@code host:port}, bracketed for an IPv6 literal, for URLs and messages. */
    public String address() {
        return source.address();
    }

    /** The JDBC URL for {@code database} ("" for none), TLS settings included, without any password. */
    public String jdbcUrl(String database) {
        return source.jdbcUrl(database);
    }

    /** The key store passwords, as driver properties for {@link #jdbcUrl}. */
    public Properties tlsProperties() {
        return source.jdbcTarget(source.user(), source.password()).driverProperties();
    }

    /** A new connection as {@code source.user}, without a default database; the caller closes it. */
    public Connection connect() throws SQLException {
        Properties props = tlsProperties();
        props.setProperty("user", source.user());
        props.setProperty("password", source.password().reveal());
        return DriverManager.getConnection(jdbcUrl(""), props);
    }

    /** How {@code connection} is encrypted, e.g. {@code TLSv1.3 TLS_AES_256_GCM_SHA384}, or empty when it is not. */
    public static Optional<String> encryption(Connection connection) throws SQLException {
        String version = null;
        String cipher = null;
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SHOW SESSION STATUS WHERE Variable_name IN ('Ssl_version', 'Ssl_cipher')")) {
            while (rs.next()) {
                if ("Ssl_version".equalsIgnoreCase(rs.getString(1))) {
                    version = rs.getString(2);
                } else {
                    cipher = rs.getString(2);
                }
            }
        }
        return cipher == null || cipher.isEmpty() ? Optional.empty()
                : Optional.of((version == null ? "" : version + " ") + cipher);
    }

    /**
     * The embedded engine's connection settings for {@code flavor}: address, login, and TLS mapped onto the
     * connector's own {@code database.ssl.mode} spelling. MariaDB's connector has no "preferred": it gets {@code trust}
     * when the server negotiates TLS with the daemon, {@code disable} when it does not. On MySQL the connector's JDBC
     * connection may fetch the server's RSA key, as the daemon's own connections do: without TLS, the first login of
     * a {@code caching_sha2_password} user after a server start needs it (the binlog reader fetches it unasked).
     */
    public Map<String, String> engineProperties(ServerFlavor flavor) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("database.hostname", source.host());
        p.put("database.port", String.valueOf(source.port()));
        p.put("database.user", source.user());
        p.put("database.password", source.password().reveal());
        SourceTls tls = source.tls();
        p.put("database.ssl.mode", flavor == ServerFlavor.MARIADB ? mariaDbMode(tls.mode()) : mySqlMode(tls.mode()));
        if (flavor == ServerFlavor.MYSQL) {
            p.put("database.allowPublicKeyRetrieval", "true");
        }
        if (tls.mode().verifiesCertificate()) {
            tls.trustStore().ifPresent(path -> {
                p.put("database.ssl.truststore", path.toAbsolutePath().toString());
                p.put("database.ssl.truststore.password", tls.trustStorePassword().reveal());
            });
        }
        if (tls.mode() != SourceTls.Mode.DISABLED) {
            tls.keyStore().ifPresent(path -> {
                p.put("database.ssl.keystore", path.toAbsolutePath().toString());
                p.put("database.ssl.keystore.password", tls.keyStorePassword().reveal());
            });
        }
        return p;
    }

    private static String mySqlMode(SourceTls.Mode mode) {
        return switch (mode) {
            case DISABLED -> "disabled";
            case PREFERRED -> "preferred";
            case REQUIRED -> "required";
            case VERIFY_CA -> "verify_ca";
            case VERIFY_IDENTITY -> "verify_identity";
        };
    }

    private String mariaDbMode(SourceTls.Mode mode) {
        return switch (mode) {
            case DISABLED -> "disable";
            case PREFERRED -> negotiatesTls() ? "trust" : "disable";
            case REQUIRED -> "trust";
            case VERIFY_CA -> "verify-ca";
            case VERIFY_IDENTITY -> "verify-full";
        };
    }

    private boolean negotiatesTls() {
        try (Connection connection = connect()) {
            return encryption(connection).isPresent();
        } catch (SQLException e) {
            LoggerFactory.getLogger(SourceAccess.class).warn("source.ssl.mode=preferred: could not ask {} whether it "
                    + "offers TLS ({}); the binlog connection is not encrypted this run (set source.ssl.mode=required "
                    + "to insist)", address(), e.getMessage());
            return false;
        }
    }
}
