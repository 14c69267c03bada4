package io.cdcrunner.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The epoch an active instance holds the lease with, checked inside every transaction that writes the pipeline's
 * durable effects (ledger, offsets, schema history, dead letters, ledger pruning): {@link #check} reads the lease row
 * with a shared lock, so a takeover, which updates that row, waits for the transactions already past their check and
 * every later one of the old holder sees the new epoch and is refused ({@link FencedException}).
 *
 * <p>Each pipeline (by name) has at most one fence in a process, installed by the lease holder for its term; the
 * writers find it by the pipeline's name, since the engine instantiates some of them by class name. Without a fence
 * (no {@code ha.enabled}) the checks do nothing.
 */
public final class Fence {

    private static final Map<String, Fence> INSTALLED = new ConcurrentHashMap<>();

    private final String pipeline;
    private final String leaseTable;
    private final long epoch;
    private final Runnable onFenced;
    private volatile boolean retired;

    /**
     * @param leaseTable {@code database.table} of the lease rows, reachable from every connection that writes
     * @param onFenced   told (once) when a check finds the lease taken over
     */
    public Fence(String pipeline, String leaseTable, long epoch, Runnable onFenced) {
        this.pipeline = pipeline;
        this.leaseTable = leaseTable;
        this.epoch = epoch;
        this.onFenced = onFenced;
    }

    /** Makes this fence the pipeline's: its writers check against it from now on. */
    public void install() {
        INSTALLED.put(pipeline, this);
    }

    /**
     * Ends this fence's term: every later check of its writers (threads of a pipeline that is still stopping) is
     * refused, until the next term's fence is installed.
     */
    public void retire() {
        retired = true;
    }

    public long epoch() {
        return epoch;
    }

    /** The installed fence's epoch, for the rows that record who wrote them; empty without one. */
    public static OptionalLong currentEpoch(String pipeline) {
        Fence fence = INSTALLED.get(pipeline);
        return fence == null ? OptionalLong.empty() : OptionalLong.of(fence.epoch);
    }

    /**
     * Checks, inside {@code transaction} (auto-commit off), that this process still holds the pipeline's lease with
     * its epoch; nothing to do when the pipeline has no fence.
     *
     * @throws FencedException when another instance took over since
     */
    public static void check(String pipeline, Connection transaction) throws SQLException {
        Fence fence = INSTALLED.get(pipeline);
        if (fence != null) {
            fence.verify(transaction);
        }
    }

    /** The statement every fenced transaction runs (the pipeline's name its parameter), for {@code check} too. */
    public static String epochCheck(String leaseTable) {
        return "SELECT epoch FROM " + leaseTable + " WHERE pipeline = ? LOCK IN SHARE MODE";
    }

    void verify(Connection transaction) throws SQLException {
        if (retired) {
            throw new FencedException(pipeline, epoch);
        }
        long current;
        try (PreparedStatement select = transaction.prepareStatement(epochCheck(leaseTable))) {
            select.setString(1, pipeline);
            try (ResultSet row = select.executeQuery()) {
                current = row.next() ? row.getLong(1) : -1;
            }
        }
        if (current != epoch) {
            boolean first = !retired;
            retired = true;
            if (first) {
                onFenced.run();
            }
            throw new FencedException(pipeline, epoch, current);
        }
    }
}
