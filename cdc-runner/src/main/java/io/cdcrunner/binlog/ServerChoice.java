package io.cdcrunner.binlog;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.check.ConnectionFailure;
import io.cdcrunner.check.SourceLogin;
import io.cdcrunner.check.SourceReadiness;
import io.cdcrunner.config.SourceServers;
import io.cdcrunner.config.SourceSettings;
import io.cdcrunner.config.SourceTls;
import io.cdcrunner.core.PipelineStartException;
import io.cdcrunner.delivery.FailureClassifier;
import io.cdcrunner.errors.Causes;
import io.cdcrunner.source.ReplicationStatements;
import io.cdcrunner.source.ServerInfo;
import io.cdcrunner.source.SourceAccess;

/**
 * Picks the server of {@code source.host} the engine reads next, at the first start and after every lost
 * connection, and judges it by {@link ResumeCheck}: the server must hold every transaction the daemon read.
 *
 * <ul>
 *   <li>The current server comes first while it qualifies: a restart after a short outage stays where it was.</li>
 *   <li>{@code source.host.pick=writable} (with several servers) takes only a server with {@code read_only=OFF};
 *       {@code first-reachable}, and a single server, any that answers.</li>
 *   <li>A replica that lacks transactions the daemon read (it lags) is waited for; a writable server or one that
 *       does not replicate never gets them: {@link Refused}, and the daemon stops.</li>
 *   <li>While no server qualifies (the primary died and none is promoted yet) it waits, with the backoff of
 *       {@code source.connect.retry.max.backoff.ms}, logging each round.</li>
 * </ul>
 */
final class ServerChoice {

    private static final Logger log = LoggerFactory.getLogger(ServerChoice.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final int ACCESS_DENIED = 1045;

    /**
     * What waiting does not cure: the server lacks transactions the daemon already read and will not get them, the
     * login or the server's setup is wrong, what was not read is purged. The daemon must not go on; at a restart
     * after a lost connection too, it stops (exit 1) rather than retry.
     */
    static final class Refused extends PipelineStartException {
        Refused(String message) {
            super(message);
        }

        Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The server chosen.
     *
     * @param server  the server, now the current one of {@link SourceServers}
     * @param info    its settings and binlog end when chosen
     * @param verdict what {@link ResumeCheck} said ({@link ResumeCheck.Resumable} or {@link ResumeCheck.Purged})
     */
    record Chosen(SourceServers.Server server, ServerInfo info, ResumeCheck.Verdict verdict) {
    }

    private final SourceSettings source;
    private final CountDownLatch closeRequested;
    private final Supplier<Map<String, String>> offsets;
    private final Supplier<List<String>> processed;
    private final String acceptLoss;

    /**
     * @param offsets   the recorded offsets, read at each choice
     * @param processed the last GTIDs of each source server the daemon read in this process ({@link ReadGtids})
     * @param acceptLoss what an operator does to go on without the missing transactions, for the refusal
     */
    ServerChoice(SourceSettings source, CountDownLatch closeRequested, Supplier<Map<String, String>> offsets,
                 Supplier<List<String>> processed, String acceptLoss) {
        this.source = source;
        this.closeRequested = closeRequested;
        this.offsets = offsets;
        this.processed = processed;
        this.acceptLoss = acceptLoss;
    }

    /**
     * Waits for a server that qualifies and makes it the current one.
     *
     * @throws Refused               when no server qualifies and one that will not get them lacks transactions the
     *                               daemon read, or the login or the server's setup is wrong (waiting does not cure
     *                               those)
     * @throws PipelineStartException when the daemon stops meanwhile
     */
    Chosen choose() {
        SourceServers servers = source.servers();
        Duration backoff = FIRST_BACKOFF;
        for (int round = 1; ; round++) {
            List<String> passedOver = new ArrayList<>();
            List<String> refusals = new ArrayList<>();
            for (SourceServers.Server server : candidates(servers)) {
                Chosen chosen = tryServer(server, passedOver, refusals);
                if (chosen != null) {
                    SourceServers.Server before = servers.current().server();
                    String reason = reason(chosen, passedOver);
                    servers.use(server, reason);
                    if (!before.equals(server)) {
                        log.warn("source: moving from {} to {}: {}", before, server, reason);
                    } else {
                        log.info("source: reading {}: {}", server, reason);
                    }
                    return chosen;
                }
            }
            if (!refusals.isEmpty() && passedOver.stream().noneMatch(reason -> reason.contains(WAITING))) {
                // No other server qualifies, and none is a replica still catching up: going on would hide the loss.
                throw new Refused(String.join("; and ", refusals));
            }
            log.warn("source: no server to read yet ({}); trying again in {} s (round {})",
                    String.join("; ", passedOver), backoff.toSeconds(), round);
            try {
                if (closeRequested.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new PipelineStartException("stopped while waiting for a source server to read");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PipelineStartException("interrupted while waiting for a source server to read");
            }
            backoff = backoff.multipliedBy(2);
            if (backoff.compareTo(source.connectRetryMaxBackoff()) > 0) {
                backoff = source.connectRetryMaxBackoff();
            }
        }
    }

    /** The current server first, then the others in the order listed. */
    private static List<SourceServers.Server> candidates(SourceServers servers) {
        List<SourceServers.Server> order = new ArrayList<>();
        order.add(servers.current().server());
        servers.all().stream().filter(s -> !order.contains(s)).forEach(order::add);
        return order;
    }

    private String reason(Chosen chosen, List<String> passedOver) {
        String how = chosen.verdict() instanceof ResumeCheck.Resumable r ? "resuming " + r.how()
                : "its binlogs no longer hold what was not read yet";
        return (source.servers().several() && source.pick() == SourceSettings.Pick.WRITABLE ? "the writable server"
                : "reachable") + ", " + how + (passedOver.isEmpty() ? "" : "; passed over: " + String.join("; ",
                passedOver));
    }

    /** What marks a replica that lacks transactions it is still applying. */
    private static final String WAITING = "(a replica still applying; waiting)";

    /**
     * The server if it qualifies, else null with why it does not in {@code passedOver}, or in {@code refusals} when it
     * lacks transactions the daemon read and will not get them.
     */
    private Chosen tryServer(SourceServers.Server server, List<String> passedOver, List<String> refusals) {
        SourceSettings on = source.on(server);
        try (Connection connection = SourceAccess.of(on).connect()) {
            ServerInfo info = ServerInfo.read(connection);
            List<String> problems = SourceReadiness.problems(connection, info);
            if (!problems.isEmpty()) {
                String problem = "the source " + server + " cannot be read as it is set up: " + String.join("; ",
                        problems);
                if (!source.servers().several()) {
                    throw new Refused(problem);
                }
                passedOver.add(problem);
                return null;
            }
            if (source.servers().several() && info.flavor() == io.cdcrunner.processor.ServerFlavor.MYSQL
                    && !"ON".equalsIgnoreCase(info.gtidMode())) {
                throw new Refused("source.host lists several servers, but " + server + " has gtid_mode="
                        + info.gtidMode() + ": a position in one server's binlog means nothing on another, so the "
                        + "daemon could not follow a failover. Set gtid_mode=ON (with enforce_gtid_consistency=ON) on "
                        + "every server, or list one server");
            }
            boolean readOnly = readOnly(connection);
            if (source.servers().several() && source.pick() == SourceSettings.Pick.WRITABLE && readOnly) {
                passedOver.add(server + " is read-only");
                return null;
            }
            ResumeCheck.Verdict verdict = ResumeCheck.judge(connection, info.flavor(), offsets.get(),
                    processed.get());
            if (verdict instanceof ResumeCheck.Missing missing) {
                if (readOnly && applying(connection, info)) {
                    passedOver.add(server + " has not applied " + missing.missing() + " yet " + WAITING);
                } else {
                    passedOver.add(server + " lacks " + missing.missing());
                    refusals.add(refusal(server, missing));
                }
                return null;
            }
            return new Chosen(server, info, verdict);
        } catch (SQLException e) {
            ConnectionFailure.tlsProblem(e, new SourceLogin(on)).ifPresent(tls -> {
                throw new Refused(tls.detail() + "; " + tls.fix(), e);
            });
            if (!FailureClassifier.isConnectionFailure(e)) {
                throw new Refused("cannot use the source " + server + " as " + source.user() + ": "
                        + e.getMessage() + "; check source.user and the password, and the grants (run cdc-runner "
                        + "check)" + (source.servers().several() ? " on every server of source.host" : "")
                        + (source.tls().mode() == SourceTls.Mode.DISABLED && e.getErrorCode() == ACCESS_DENIED
                        ? "; with source.ssl.mode=disabled, a server that accepts only encrypted connections refuses "
                        + "the login this way too: try source.ssl.mode=required" : ""), e);
            }
            passedOver.add(server + " unreachable (" + Causes.innermostMessage(e) + ")");
            return null;
        }
    }

    private String refusal(SourceServers.Server server, ResumeCheck.Missing missing) {
        return "the source " + server + " lacks transactions the daemon already read and processed: " + missing
                .missing() + ". It holds " + missing.server() + "; the daemon had read up to " + missing.recorded()
                + ". The server was most likely promoted by an asynchronous failover before these transactions reached"
                + " it: the processor's results include their changes, which this server does not have, and it will"
                + " never send them. Nothing from this server was processed. Choose: bring the missing transactions to"
                + " this server (apply them from the old primary's binlog) and start again; or point source.host at a"
                + " server that has them; or accept that they are lost: " + acceptLoss + " (the processor's results"
                + " for the lost rows must then be corrected by hand)";
    }

    static boolean readOnly(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT @@GLOBAL.read_only")) {
            return rs.next() && rs.getInt(1) != 0;
        }
    }

    /**
     * Whether the server applies what it received (its SQL thread runs): a replica that will receive more, or still
     * applies its relay log after its primary died (its I/O thread then says {@code Connecting}).
     */
    private static boolean applying(Connection connection, ServerInfo info) {
        String statement = ReplicationStatements.replicaStatus(info.flavor(), info.version());
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(statement)) {
            if (!rs.next()) {
                return false;
            }
            String prefix = hasColumn(rs, "Replica_IO_Running") ? "Replica" : "Slave";
            return "Yes".equalsIgnoreCase(rs.getString(prefix + "_SQL_Running"));
        } catch (SQLException e) {
            return false;
        }
    }

    private static boolean hasColumn(ResultSet rs, String column) throws SQLException {
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            if (column.equalsIgnoreCase(rs.getMetaData().getColumnLabel(i))) {
                return true;
            }
        }
        return false;
    }
}
