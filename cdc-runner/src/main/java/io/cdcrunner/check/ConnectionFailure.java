package io.cdcrunner.check;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

import io.cdcrunner.config.SourceTls;
import io.cdcrunner.errors.Causes;

/** Turns a failed connection attempt into a check result that says which of the usual causes it was. */
public final class ConnectionFailure {

    static final String NAME = "connect";

    private static final int ER_ACCESS_DENIED = 1045;
    private static final int ER_HOST_NOT_PRIVILEGED = 1130;
    /** MariaDB answers a plain login with "access denied" when it requires TLS. */
    static final String PLAIN_REFUSED = "; with source.ssl.mode=disabled, a server that accepts only encrypted "
            + "connections (require_secure_transport=ON) refuses the login this way too: try source.ssl.mode=required";

    private ConnectionFailure() {
    }

    static CheckResult explain(SQLException e, SourceLogin login) {
        String where = login.address();
        String reason = login.masked(Causes.innermostMessage(e));
        if (e.getErrorCode() == ER_ACCESS_DENIED || "28000".equals(e.getSQLState())) {
            return CheckResult.fail(NAME, "access denied at " + where + " for user '" + login.user() + "': " + reason,
                    "the server is reachable but refused the login: check source.user and source.password, and that "
                            + "the user may connect from this host (CREATE USER '" + login.user() + "'@'<this host>')"
                            + (login.tlsMode() == SourceTls.Mode.DISABLED ? PLAIN_REFUSED : ""));
        }
        if (e.getErrorCode() == ER_HOST_NOT_PRIVILEGED) {
            return CheckResult.fail(NAME, "host not allowed at " + where + ": " + reason,
                    "create the user for this client's host, e.g. CREATE USER '" + login.user() + "'@'%' ...");
        }
        Throwable root = Causes.root(e);
        if (root instanceof ConnectException && !(root instanceof NoRouteToHostException)) {
            return CheckResult.fail(NAME, "connection refused at " + where + ": " + reason,
                    "nothing listens on " + where + ": check source.host and source.port, that the server is "
                            + "running, and its bind-address/port settings");
        }
        if (root instanceof UnknownHostException) {
            return CheckResult.fail(NAME, "unknown host " + login.host() + ": " + reason,
                    "check source.host: the name does not resolve");
        }
        if (root instanceof SocketTimeoutException || root instanceof NoRouteToHostException) {
            return CheckResult.fail(NAME, "no answer from " + where + ": " + reason,
                    "check source.host and source.port, and that no firewall drops the connection");
        }
        Optional<CheckResult> tls = tlsProblem(e, login);
        if (tls.isPresent()) {
            return tls.get();
        }
        return CheckResult.fail(NAME, "cannot connect to " + where + ": " + reason,
                "check source.host, source.port, source.user and source.password, and that the server listens");
    }

    /**
     * The failure when {@code e} is a TLS problem, which waiting does not cure: the server accepts only encrypted
     * connections and {@code source.ssl.mode} is disabled, or the handshake failed (an unknown CA, a certificate
     * that does not name the host).
     */
    public static Optional<CheckResult> tlsProblem(SQLException e, SourceLogin login) {
        String where = login.address();
        String reason = login.masked(Causes.innermostMessage(e));
        String mode = login.tlsMode().configValue();
        if (reason.toLowerCase(Locale.ROOT).contains("secure transport")) {
            return Optional.of(CheckResult.fail(NAME, "the server at " + where + " accepts only encrypted connections: "
                    + reason, "set source.ssl.mode to required, verify-ca or verify-identity (it is " + mode + ")"));
        }
        if (causedByTls(e)) {
            boolean identity = reason.toLowerCase(Locale.ROOT).contains("identity")
                    || reason.toLowerCase(Locale.ROOT).contains("hostname");
            return Optional.of(CheckResult.fail(NAME, "TLS with " + where + " failed (source.ssl.mode=" + mode + "): " + reason,
                    identity ? "the server's certificate does not name " + login.host() + ": set source.host to a name "
                            + "the certificate holds, or source.ssl.mode=verify-ca to check only its CA"
                            : "give source.ssl.truststore (and its password) holding the CA that signed the server's "
                            + "certificate; source.ssl.mode=required encrypts without checking the certificate"));
        }
        return Optional.empty();
    }

    /**
     * Whether the server's certificate was refused (an unknown CA, a name that does not match): a handshake cut off
     * by a restarting server or a balancer is not, and is retried like any outage.
     */
    private static boolean causedByTls(Throwable e) {
        for (Throwable t : Causes.chain(e)) {
            if (t instanceof CertificateException || t instanceof SSLPeerUnverifiedException) {
                return true;
            }
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (t instanceof SSLException && (message.contains("certificat") || message.contains("identity")
                    || message.contains("pkix"))) {
                return true;
            }
        }
        return false;
    }
}
