package io.cdcrunner.check;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;

/** Turns a failed connection attempt into a check result that says which of the usual causes it was. */
final class ConnectionFailure {

    static final String NAME = "connect";

    private static final int ER_ACCESS_DENIED = 1045;
    private static final int ER_HOST_NOT_PRIVILEGED = 1130;

    private ConnectionFailure() {
    }

    static CheckResult explain(SQLException e, SourceLogin login) {
        String where = login.address();
        String reason = login.masked(rootMessage(e));
        if (e.getErrorCode() == ER_ACCESS_DENIED || "28000".equals(e.getSQLState())) {
            return CheckResult.fail(NAME, "access denied at " + where + " for user '" + login.user() + "': " + reason,
                    "the server is reachable but refused the login: check source.user and source.password, and that "
                            + "the user may connect from this host (CREATE USER '" + login.user() + "'@'<this host>')");
        }
        if (e.getErrorCode() == ER_HOST_NOT_PRIVILEGED) {
            return CheckResult.fail(NAME, "host not allowed at " + where + ": " + reason,
                    "create the user for this client's host, e.g. CREATE USER '" + login.user() + "'@'%' ...");
        }
        Throwable root = rootCause(e);
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
        return CheckResult.fail(NAME, "cannot connect to " + where + ": " + reason,
                "check source.host, source.port, source.user and source.password, and that the server listens");
    }

    /** The innermost message: the driver wraps socket errors in several generic layers. */
    private static String rootMessage(Throwable e) {
        String message = e.getMessage();
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).trim();
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
