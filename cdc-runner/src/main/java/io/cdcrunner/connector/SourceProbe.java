package io.cdcrunner.connector;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.errors.Causes;
import io.cdcrunner.config.SourceTls;
import io.cdcrunner.core.PipelineStartException;
import io.cdcrunner.check.ConnectionFailure;
import io.cdcrunner.check.SourceLogin;
import io.cdcrunner.source.SourceAccess;
import io.cdcrunner.config.SourceSettings;
import io.cdcrunner.delivery.FailureClassifier;

/**
 * Connects to the source at start-up. While the server is unreachable it retries with exponential
 * backoff (one log line per attempt, no stack traces) until it answers or the pipeline is closed; any other
 * failure (wrong password, missing grant) is reported at once.
 */
public final class SourceProbe {

    private static final Logger log = LoggerFactory.getLogger(SourceProbe.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private static final int ACCESS_DENIED = 1045;

    private final SourceSettings source;
    private final CountDownLatch closed;

    public SourceProbe(SourceSettings source, CountDownLatch closed) {
        this.source = source;
        this.closed = closed;
    }

    /** Runs {@code work} on a fresh connection, waiting for the server as long as it is unreachable. */
    public <T> T withConnection(Work<T> work) {
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = SourceAccess.of(source).connect()) {
                if (attempt > 1) {
                    log.info("source {}:{} is reachable again", source.host(), source.port());
                }
                return work.run(connection);
            } catch (SQLException e) {
                // Waiting does not cure a TLS problem: fail at once with what check would say.
                ConnectionFailure.tlsProblem(e, new SourceLogin(source)).ifPresent(tls -> {
                    throw new PipelineStartException(tls.detail() + "; " + tls.fix(), e);
                });
                if (!FailureClassifier.isConnectionFailure(e)) {
                    throw new PipelineStartException("cannot use the source " + source.host() + ":" + source.port()
                            + " as " + source.user() + ": " + e.getMessage()
                            + "; check source.user and the password, and the grants (run cdc-runner check)"
                            + (source.tls().mode() == SourceTls.Mode.DISABLED && e.getErrorCode() == ACCESS_DENIED
                            ? "; with source.ssl.mode=disabled, a server that accepts only encrypted connections "
                            + "refuses the login this way too: try source.ssl.mode=required" : ""), e);
                }
                log.warn("source {}:{} unreachable ({}); retrying in {} s (attempt {})", source.host(), source.port(),
                        Causes.innermostMessage(e), backoff.toSeconds(), attempt);
            }
            if (await(backoff)) {
                throw new PipelineStartException("stopped while waiting for the source " + source.host() + ":"
                        + source.port());
            }
            backoff = backoff.multipliedBy(2);
            if (backoff.compareTo(source.connectRetryMaxBackoff()) > 0) {
                backoff = source.connectRetryMaxBackoff();
            }
        }
    }

    private boolean await(Duration backoff) {
        try {
            return closed.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
