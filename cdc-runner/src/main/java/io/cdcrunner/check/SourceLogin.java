package io.cdcrunner.check;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;

import io.cdcrunner.source.FlavorDetector;

/**
 * Where and as whom to connect to the source. The password is kept out of {@link #toString()} and is only
 * ever handed to the JDBC driver.
 */
public final class SourceLogin {

    private final String host;
    private final int port;
    private final String user;
    private final char[] password;
    private final Duration connectTimeout;

    public SourceLogin(String host, int port, String user, char[] password, Duration connectTimeout) {
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.user = Objects.requireNonNull(user, "user");
        this.password = password == null ? new char[0] : password.clone();
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
    }

    /** A login with the default connect timeout. */
    public static SourceLogin of(String host, int port, String user, String password) {
        return new SourceLogin(host, port, user, password == null ? null : password.toCharArray(),
                FlavorDetector.DEFAULT_CONNECT_TIMEOUT);
    }

    /** Opens a new connection; the caller closes it. */
    public Connection open() throws SQLException {
        return FlavorDetector.connect(host, port, user, password, connectTimeout);
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String user() {
        return user;
    }

    /** {@code host:port}, for messages. */
    public String address() {
        return host + ":" + port;
    }

    /** True when {@code text} contains the password; used to keep it out of anything shown to a user. */
    boolean revealsPassword(String text) {
        return password.length > 0 && text != null && text.contains(new String(password));
    }

    /** {@code text} with any occurrence of the password masked. */
    String masked(String text) {
        return revealsPassword(text) ? text.replace(new String(password), "****") : text;
    }

    @Override
    public String toString() {
        return user + "@" + address();
    }
}
