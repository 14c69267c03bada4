package io.cdcrunner.delivery;

import java.net.ConnectException;
import java.net.SocketException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

import io.cdcrunner.errors.Causes;
import io.cdcrunner.processor.NonRetryableException;
import io.cdcrunner.processor.TargetUnavailableException;

/**
 * Tells a lost database connection, or a processor's target that is unavailable (retry until it is back), from an
 * event-specific failure.
 */
public final class FailureClassifier {

    private FailureClassifier() {
    }

    /**
     * True when the failure says the database could not be reached (SQLState class 08, a pool that could
     * not get a connection, a socket error) or the processor's target cannot take the event now
     * ({@link TargetUnavailableException}): not the event's fault, so it is retried without limit.
     */
    public static boolean isConnectionFailure(Throwable error) {
        for (Throwable t : Causes.chain(error)) {
            if (t instanceof IdleTransactionEnded) {
                // The server ended a transaction the processor left idle: the processor's failure.
                return false;
            }
            if (t instanceof TargetUnavailableException) {
                return true;
            }
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof ConnectException || t instanceof SocketException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                return true;
            }
            String type = t.getClass().getName();
            if (type.endsWith("CommunicationsException")) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when the transaction lost a lock conflict (a deadlock, SQLState 40001 / error 1213, or a lock wait timeout,
     * 1205): rolled back through no fault of its work, so running it again usually succeeds.
     */
    public static boolean isLockConflict(Throwable error) {
        for (Throwable t : Causes.chain(error)) {
            if (t instanceof SQLException sql && ("40001".equals(sql.getSQLState()) || sql.getErrorCode() == 1213
                    || sql.getErrorCode() == 1205)) {
                return true;
            }
        }
        return false;
    }

    /** How long the processor's target asked to wait before the next attempt, when it said (HTTP Retry-After). */
    public static java.util.Optional<java.time.Duration> retryAfter(Throwable error) {
        for (Throwable t : Causes.chain(error)) {
            if (t instanceof TargetUnavailableException unavailable) {
                return unavailable.retryAfter();
            }
        }
        return java.util.Optional.empty();
    }

    /** True when the processor said trying again cannot help. */
    public static boolean isNonRetryable(Throwable error) {
        for (Throwable t : Causes.chain(error)) {
            if (t instanceof NonRetryableException || t instanceof io.cdcrunner.state.FencedException) {
                return true;
            }
        }
        return false;
    }
}
