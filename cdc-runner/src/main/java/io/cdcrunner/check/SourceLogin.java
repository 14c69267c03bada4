package io.cdcrunner.check;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;

import io.cdcrunner.config.Secret;
import io.cdcrunner.config.SourceSettings;
import io.cdcrunner.config.SourceTls;
import io.cdcrunner.source.FlavorDetector;
import io.cdcrunner.source.SourceAccess;

/**
 * Where and as whom to connect to the source. The password is kept out of {@link #toString()} and is only
 * ever handed to the JDBC driver.
 */
public final class SourceLogin {

    private final SourceSettings source;

    public SourceLogin(SourceSettings source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    public SourceLogin(String host, int port, String user, char[] password, Duration connectTimeout) {
        this(SourceSettings.login(Objects.requireNonNull(host, "host"), port, Objects.requireNonNull(user, "user"),
                new Secret(password == null ? "" : new String(password)), connectTimeout));
    }

    /** A login with the default connect timeout. */
    public static SourceLogin of(String host, int port, String user, String password) {
        return new SourceLogin(host, port, user, password == null ? null : password.toCharArray(),
                FlavorDetector.DEFAULT_CONNECT_TIMEOUT);
    }

    /** Opens a new connection, as the daemon does ({@link SourceAccess}); the caller closes it. */
    public Connection open() throws SQLException {
        return SourceAccess.of(source).connect();
    }

    public String host() {
        return source.host();
    }

    public int port() {
        return source.port();
    }

    public String user() {
        return source.user();
    }

    /** {@code source.ssl.mode}. */
    public SourceTls.Mode tlsMode() {
        return source.tls().mode();
    }

    /** {@code host:port}, for messages. */
    public String address() {
        return SourceAccess.of(source).address();
    }

    /** True when {@code text} contains the password; used to keep it out of anything shown to a user. */
    boolean revealsPassword(String text) {
        String password = source.password().reveal();
        return !password.isEmpty() && text != null && text.contains(password);
    }

    /** {@code text} with any occurrence of the password masked. */
    String masked(String text) {
        return revealsPassword(text) ? text.replace(source.password().reveal(), "****") : text;
    }

    @Override
    public String toString() {
        return user() + "@" + address();
    }
}
