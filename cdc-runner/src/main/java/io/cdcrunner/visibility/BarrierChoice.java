package io.cdcrunner.visibility;

import java.util.concurrent.Callable;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.config.ReadSettings;
import io.cdcrunner.config.ReadSettings.Visibility;
import io.cdcrunner.delivery.VisibilityBarrier;
import io.cdcrunner.processor.ServerFlavor;

/**
 * Picks the visibility method from {@code processor.read.visibility} and the read server's topology, refuses
 * a method that cannot work there, and logs the choice in one line.
 *
 * <table>
 *   <caption>What {@code auto} picks</caption>
 *   <tr><th>read server</th><th>MySQL with GTIDs</th><th>MySQL without GTIDs</th><th>MariaDB</th></tr>
 *   <tr><td>primary</td><td>primary-lock</td><td>primary-lock</td><td>primary-lock</td></tr>
 *   <tr><td>replica</td><td>gtid-wait</td><td>row-poll (weaker, warned)</td><td>gtid-wait</td></tr>
 * </table>
 *
 * <p>A primary gets primary-lock on MySQL too, although {@code WAIT_FOR_EXECUTED_GTID_SET} works there: MySQL adds an
 * XA transaction's GTID to {@code gtid_executed} at {@code XA PREPARE}, when the binlog (and so the event) already has
 * its rows but no other session sees them until {@code XA COMMIT}; the locking read waits for that commit.
 */
public final class BarrierChoice {

    private static final Logger log = LoggerFactory.getLogger(BarrierChoice.class);

    private BarrierChoice() {
    }

    /**
     * A decision: the method picked and its barrier, so a caller decides on the method itself, never on a name read
     * back from the metrics.
     *
     * @param method  the method in use
     * @param barrier its barrier ({@link VisibilityBarrier#NONE} for {@code off})
     */
    public record Chosen(Visibility method, VisibilityBarrier barrier) {
    }

    /**
     * The barrier for this topology.
     *
     * @see #decide
     */
    public static VisibilityBarrier choose(ReadSettings settings, ReadTopology topology, DataSource server,
                                           Callable<String> sourceGtidPosition, VisibilityMetrics metrics) {
        return decide(settings, topology, server, sourceGtidPosition, metrics).barrier();
    }

    /**
     * The method and barrier for this topology.
     *
     * @param server             connections to the read server for the barrier's own use (auto-commit,
     *                           READ COMMITTED); not used for {@code off}
     * @param sourceGtidPosition reads the source's current GTID position (for snapshot rows under gtid-wait)
     * @throws IllegalArgumentException when the configured method cannot work on this topology, saying
     *                                  which one would
     */
    public static Chosen decide(ReadSettings settings, ReadTopology topology, DataSource server,
                                Callable<String> sourceGtidPosition, VisibilityMetrics metrics) {
        Visibility method = settings.visibility() == Visibility.AUTO ? auto(topology) : settings.visibility();
        check(method, topology);
        metrics.method(spelling(method));
        if (method == Visibility.OFF) {
            if (topology.isReplica()) {
                log.warn("read visibility: off on {}: the processor may read state older than the event it "
                        + "processes; set processor.read.visibility=auto to wait for the replica", topology.describe());
            } else {
                log.info("read visibility: off on {}", topology.describe());
            }
            return new Chosen(method, VisibilityBarrier.NONE);
        }
        CatchUp catchUp = switch (method) {
            case GTID_WAIT -> new GtidWait(topology.flavor(),
                    topology.commitsInBinlogOrder() && topology.commitsInSourceOrder(), sourceGtidPosition);
            case PRIMARY_LOCK -> new PrimaryRowLock(topology.commitsInBinlogOrder());
            default -> null;
        };
        String how = catchUp != null ? catchUp.description()
                : "polling for each event's row by primary key with backoff";
        String line = "read visibility: " + spelling(method) + " (" + how + ") on " + topology.describe()
                + " (server_id " + topology.readServerId() + ", source server_id " + topology.sourceServerId()
                + "), timeout " + settings.timeout().toMillis() + " ms";
        if (method == Visibility.ROW_POLL) {
            log.warn("{}; WEAKER GUARANTEE: this confirms each event's own row, not every transaction committed "
                    + "before it, and costs a query per event. Enable GTIDs on the servers (gtid_mode=ON) to get "
                    + "gtid-wait", line);
        } else if (method == Visibility.GTID_WAIT && topology.isReplica() && !topology.commitsInSourceOrder()) {
            log.warn("{}; the replica applies in parallel with replica_preserve_commit_order=OFF, so transactions "
                    + "outside a batch committed before it may not be applied yet: set "
                    + "replica_preserve_commit_order=ON", line);
        } else {
            log.info(line);
        }
        return new Chosen(method, new ReadBarrier(server, topology.describe(), catchUp, settings.timeout(), metrics,
                System::nanoTime));
    }

    /** {@code off} while the processor reads its own data source: nothing to probe, nothing to wait for. */
    public static VisibilityBarrier offOnOwnDataSource(VisibilityMetrics metrics) {
        metrics.method(spelling(Visibility.OFF));
        log.info("read visibility: off (the processor reads its own data source)");
        return VisibilityBarrier.NONE;
    }

    static Visibility auto(ReadTopology topology) {
        if (!topology.isReplica()) {
            return Visibility.PRIMARY_LOCK;
        }
        return topology.flavor() == ServerFlavor.MARIADB || topology.gtidsOn() ? Visibility.GTID_WAIT
                : Visibility.ROW_POLL;
    }

    private static void check(Visibility method, ReadTopology topology) {
        String key = "processor.read.visibility=" + spelling(method);
        if (method == Visibility.GTID_WAIT && topology.flavor() == ServerFlavor.MARIADB && !topology.isReplica()) {
            throw new IllegalArgumentException(key + " cannot work on the MariaDB primary " + topology.address()
                    + ": MASTER_GTID_WAIT waits for a replica's applied position and times out on a primary. "
                    + "Use primary-lock (or auto)");
        }
        if (method == Visibility.GTID_WAIT && topology.flavor() == ServerFlavor.MYSQL && !topology.gtidsOn()) {
            throw new IllegalArgumentException(key + ": the read server " + topology.address()
                    + " has gtid_mode OFF. Enable GTIDs (gtid_mode=ON, enforce_gtid_consistency=ON) or use auto");
        }
        if (method == Visibility.PRIMARY_LOCK && topology.isReplica()) {
            throw new IllegalArgumentException(key + " cannot work on the replica " + topology.address()
                    + ": a locking read there does not wait for the primary's transaction. Use gtid-wait, "
                    + "row-poll or auto");
        }
    }

    /** The configuration spelling: {@code GTID_WAIT} is {@code gtid-wait}. */
    static String spelling(Visibility method) {
        return method.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
