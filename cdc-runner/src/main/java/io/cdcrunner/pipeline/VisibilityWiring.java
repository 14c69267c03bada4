package io.cdcrunner.pipeline;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariDataSource;

import io.cdcrunner.core.PipelineStartException;
import io.cdcrunner.jdbc.JdbcPools;
import io.cdcrunner.source.SourceAccess;
import io.cdcrunner.config.ReadSettings;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.delivery.VisibilityBarrier;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.source.FlavorDetector;
import io.cdcrunner.source.ServerInfo;
import io.cdcrunner.visibility.BarrierChoice;
import io.cdcrunner.visibility.ReadTopology;
import io.cdcrunner.visibility.VisibilityMetrics;

/**
 * Opens the visibility barrier for the processor's read server: a small connection pool of its own (a wait
 * holds a connection for up to the timeout, and primary-lock changes a session variable, so the processor's
 * pools are left alone), the topology probe and the choice of method. The daemon opens one at start;
 * {@code cdc-runner dlq replay} opens one with {@link #forReplay}.
 */
public final class VisibilityWiring implements AutoCloseable {

    private static final Pattern HOST_PORT = Pattern.compile("^jdbc:[a-z]+://([^/?;]+)");

    private final ReadSettings.Visibility method;
    private final VisibilityBarrier barrier;
    private final HikariDataSource pool;

    private VisibilityWiring(ReadSettings.Visibility method, VisibilityBarrier barrier, HikariDataSource pool) {
        this.method = method;
        this.barrier = barrier;
        this.pool = pool;
    }

    private static VisibilityWiring none() {
        return new VisibilityWiring(ReadSettings.Visibility.OFF, VisibilityBarrier.NONE, null);
    }

    static VisibilityWiring open(RunnerConfig config, ServerFlavor flavor, VisibilityMetrics metrics) {
        ReadSettings read = config.read();
        String url = read.target().url();
        if (read.visibility() == ReadSettings.Visibility.OFF && !read.ownServer()) {
            return new VisibilityWiring(ReadSettings.Visibility.OFF, BarrierChoice.offOnOwnDataSource(metrics), null);
        }
        long sourceServerId;
        try (Connection source = SourceAccess.of(config.source()).connect()) {
            sourceServerId = ServerInfo.readSettings(source).serverId();
        } catch (SQLException e) {
            throw new PipelineStartException("cannot read the source's server_id, needed to tell whether the "
                    + "processor's read server is a replica of it: " + e.getMessage()
                    + "; check source.host/port/user/password", e);
        }
        HikariDataSource pool = pool(config, url);
        try {
            ReadTopology topology;
            try (Connection connection = pool.getConnection()) {
                topology = ReadTopology.probe(connection, flavor, sourceServerId, address(url));
            }
            BarrierChoice.Chosen chosen = BarrierChoice.decide(read, topology, pool, () -> {
                try (Connection source = SourceAccess.of(config.source()).connect()) {
                    return ServerInfo.readSettings(source).gtidSet();
                }
            }, metrics);
            return new VisibilityWiring(chosen.method(), chosen.barrier(), pool);
        } catch (SQLException e) {
            pool.close();
            throw new PipelineStartException("cannot inspect the processor's read server " + address(url) + ": "
                    + e.getMessage() + "; check processor.read.url/user/password", e);
        } catch (IllegalArgumentException e) {
            pool.close();
            throw new PipelineStartException(e.getMessage(), e);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * The barrier for replaying dead letters outside the daemon: when the processor reads a replica through
     * GTIDs ({@code processor.read.url}, method {@code gtid-wait}), a replayed event waits for that server as it
     * would in the daemon, so a replica that has stopped applying cannot hand the processor stale state.
     * Otherwise there is no wait: reading where it writes, a dead letter's transaction committed long before it
     * was stored; and {@code row-poll} looks for the row as the event left it, which a later change may have
     * replaced for good, so the replay would never pass.
     */
    public static VisibilityWiring forReplay(RunnerConfig config) {
        if (!config.read().ownServer() || config.read().visibility() == ReadSettings.Visibility.OFF) {
            return none();
        }
        ServerFlavor flavor;
        try {
            flavor = FlavorDetector.resolve(config.source());
        } catch (SQLException e) {
            throw new PipelineStartException("cannot reach the source to learn its flavor for the read barrier: "
                    + e.getMessage() + "; check source.host/port/user/password, or set source.flavor", e);
        }
        VisibilityWiring wiring = open(config, flavor, new VisibilityMetrics());
        if (wiring.method != ReadSettings.Visibility.GTID_WAIT) {
            wiring.close();
            return none();
        }
        return wiring;
    }

    public VisibilityBarrier barrier() {
        return barrier;
    }

    private static HikariDataSource pool(RunnerConfig config, String url) {
        try {
            // Batch waits are serialized; the second connection serves row confirmations of other lanes. Each
            // statement sees the latest commits, and locking reads take no gap locks.
            return JdbcPools.to(config.read().target(), config.pipelineName() + "-visibility")
                    .size(2, 1)
                    .readCommitted()
                    .failFastAfter(config.source().connectTimeout())
                    .open();
        } catch (RuntimeException e) {
            throw new PipelineStartException("cannot connect to the processor's read server " + address(url) + ": "
                    + e.getMessage() + "; check processor.read.url/user/password", e);
        }
    }

    /** {@code host:port} of a JDBC URL, without any credentials a URL might carry in its parameters. */
    static String address(String url) {
        Matcher m = HOST_PORT.matcher(url);
        if (!m.find()) {
            return "(read server)";
        }
        String hostPort = m.group(1);
        int at = hostPort.lastIndexOf('@');
        return at >= 0 ? hostPort.substring(at + 1) : hostPort;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.close();
        }
    }
}
