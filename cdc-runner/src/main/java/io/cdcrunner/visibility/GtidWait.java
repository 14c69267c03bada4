package io.cdcrunner.visibility;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.ServerFlavor;

/**
 * Waits for the batch's highest GTIDs to be applied on the read server.
 *
 * <p><b>MariaDB</b> ({@code MASTER_GTID_WAIT(pos, timeout)}: 0 done, -1 timed out): the position is the
 * highest GTID of each replication domain in the batch ({@code domain-server-seq}, highest seq). It waits on
 * the replica's applied position ({@code gtid_slave_pos}), so it is for replicas only; on a primary it times
 * out. A MariaDB replica commits in binlog order within a domain (also with parallel replication, which keeps
 * commit order), so reaching a GTID means every earlier transaction of its domain is visible.
 *
 * <p><b>MySQL</b> ({@code WAIT_FOR_EXECUTED_GTID_SET(set, timeout)}: 0 done, 1 timed out), on sources and
 * replicas alike. The set is each source UUID's highest transaction in the batch, {@code uuid:n} — not
 * {@code uuid:1-n}, which would wait forever if the server's executed set has gaps (transactions purged or
 * skipped). Waiting for {@code uuid:n} alone is enough: replicas commit in source order
 * ({@code replica_preserve_commit_order}, the default with multi-threaded appliers since 8.0.27, and always
 * with one applier), so once {@code uuid:n} is executed every earlier transaction is too. MySQL adds a
 * transaction to {@code gtid_executed} after its engine commit, so this holds on the source as well, where
 * commits complete in binlog order ({@code binlog_order_commits=ON}, the default). Where commits may
 * complete out of order ({@code binlog_order_commits=OFF}, or a multi-threaded replica without
 * {@code replica_preserve_commit_order}), the wait is for every GTID of the batch ({@code uuid:17-19:23}),
 * which still makes each of the batch's transactions visible.
 *
 * <p>Rows of an initial snapshot carry no GTID: for them the barrier waits, once, for the GTID position the
 * source had reached when the first snapshot row was processed, which is past the snapshot's consistent point.
 */
final class GtidWait implements CatchUp {

    private final ServerFlavor flavor;
    private final boolean commitsInOrder;
    private final Callable<String> sourceGtidPosition;
    private String snapshotTarget;

    /**
     * @param flavor             the source's (and read server's) flavor
     * @param commitsInOrder     whether the read server makes transactions visible in source binlog order;
     *                           when not (MySQL only), every GTID of a batch is waited for
     * @param sourceGtidPosition reads the source's current GTID position ({@code @@gtid_binlog_pos} on MariaDB,
     *                           {@code @@gtid_executed} on MySQL); used only for snapshot rows
     */
    GtidWait(ServerFlavor flavor, boolean commitsInOrder, Callable<String> sourceGtidPosition) {
        this.flavor = flavor;
        this.commitsInOrder = commitsInOrder;
        this.sourceGtidPosition = sourceGtidPosition;
    }

    @Override
    public String name() {
        return "gtid-wait";
    }

    @Override
    public String description() {
        return flavor == ServerFlavor.MARIADB
                ? "MASTER_GTID_WAIT for the batch's highest GTID per domain"
                : commitsInOrder ? "WAIT_FOR_EXECUTED_GTID_SET for the batch's highest GTID per source"
                : "WAIT_FOR_EXECUTED_GTID_SET for every GTID of the batch (commits may complete out of order)";
    }

    @Override
    public boolean covers(ChangeEvent event) {
        return event.position().snapshot() || event.position().gtid() != null;
    }

    @Override
    public void await(List<ChangeEvent> covered, Duration timeout, Connection connection)
            throws SQLException, VisibilityTimeoutException {
        String target = target(covered);
        String sql = flavor == ServerFlavor.MARIADB ? "SELECT MASTER_GTID_WAIT(?, ?)"
                : "SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)";
        try (PreparedStatement wait = connection.prepareStatement(sql)) {
            wait.setString(1, target);
            wait.setBigDecimal(2, BigDecimal.valueOf(timeout.toMillis(), 3));
            try (ResultSet rs = wait.executeQuery()) {
                rs.next();
                int result = rs.getInt(1);
                if (rs.wasNull()) {
                    throw new SQLException(sql + " with '" + target + "' returned NULL: the server rejected the "
                            + "GTID position");
                }
                if (result != 0) {
                    throw new VisibilityTimeoutException("GTID " + target + " not applied within "
                            + timeout.toMillis() + " ms");
                }
            }
        }
    }

    /** The GTIDs to wait for: per domain (MariaDB) or source UUID (MySQL) the highest of the batch. */
    String target(List<ChangeEvent> covered) throws SQLException {
        List<String> gtids = new ArrayList<>();
        for (ChangeEvent event : covered) {
            if (event.position().snapshot()) {
                gtids.add(snapshotTarget());
            } else {
                gtids.add(event.position().gtid());
            }
        }
        if (flavor == ServerFlavor.MARIADB) {
            return highestPerDomain(gtids);
        }
        return commitsInOrder ? highestPerSource(gtids) : everyPerSource(gtids);
    }

    private String snapshotTarget() throws SQLException {
        if (snapshotTarget == null) {
            try {
                String position = sourceGtidPosition.call();
                snapshotTarget = position == null ? "" : position;
            } catch (SQLException e) {
                throw e;
            } catch (Exception e) {
                throw new SQLException("cannot read the source's GTID position: " + e.getMessage(), e);
            }
        }
        return snapshotTarget;
    }

    /** {@code 0-1-5,0-1-9,1-2-3} becomes {@code 0-1-9,1-2-3}: MariaDB GTIDs are {@code domain-server-seq}. */
    static String highestPerDomain(List<String> positions) {
        Map<Long, Long> highestSeq = new TreeMap<>();
        Map<Long, String> highest = new TreeMap<>();
        for (String position : positions) {
            for (String gtid : position.split(",")) {
                String trimmed = gtid.trim();
                if (trimmed.isEmpty()) {
                    continue;
                }
                String[] parts = trimmed.split("-");
                if (parts.length != 3) {
                    throw new IllegalArgumentException("not a MariaDB GTID: " + trimmed);
                }
                long domain = Long.parseLong(parts[0]);
                long seq = Long.parseLong(parts[2]);
                Long current = highestSeq.get(domain);
                if (current == null || seq > current) {
                    highestSeq.put(domain, seq);
                    highest.put(domain, trimmed);
                }
            }
        }
        return String.join(",", highest.values());
    }

    /**
     * Event GTIDs {@code uuid:n} (or {@code uuid:tag:n}) reduced to the highest {@code n} per source; a
     * snapshot position (a whole executed set) is kept as it is, sets may repeat a UUID.
     */
    static String highestPerSource(List<String> gtids) {
        Map<String, Long> best = new TreeMap<>();
        List<String> sets = new ArrayList<>();
        for (String gtid : gtids) {
            String trimmed = gtid.replace("\n", "").trim();
            int colon = trimmed.lastIndexOf(':');
            String number = colon < 0 ? "" : trimmed.substring(colon + 1);
            if (trimmed.contains(",") || !number.chars().allMatch(Character::isDigit) || number.isEmpty()) {
                if (!trimmed.isEmpty()) {
                    sets.add(trimmed);
                }
                continue;
            }
            best.merge(trimmed.substring(0, colon), Long.parseLong(number), Math::max);
        }
        best.forEach((source, n) -> sets.add(source + ":" + n));
        return String.join(",", sets);
    }

    /**
     * Every event GTID {@code uuid:n} (or {@code uuid:tag:n}) of the batch as one set of intervals per
     * source, e.g. {@code uuid:17-19:23}; a snapshot position (a whole executed set) is kept as it is.
     */
    static String everyPerSource(List<String> gtids) {
        Map<String, java.util.TreeSet<Long>> numbers = new TreeMap<>();
        List<String> sets = new ArrayList<>();
        for (String gtid : gtids) {
            String trimmed = gtid.replace("\n", "").trim();
            int colon = trimmed.lastIndexOf(':');
            String number = colon < 0 ? "" : trimmed.substring(colon + 1);
            if (trimmed.contains(",") || number.isEmpty() || !number.chars().allMatch(Character::isDigit)) {
                if (!trimmed.isEmpty()) {
                    sets.add(trimmed);
                }
                continue;
            }
            numbers.computeIfAbsent(trimmed.substring(0, colon), k -> new java.util.TreeSet<>())
                    .add(Long.parseLong(number));
        }
        numbers.forEach((source, ns) -> {
            StringBuilder set = new StringBuilder(source);
            Long start = null;
            Long previous = null;
            for (long n : ns) {
                if (previous != null && n == previous + 1) {
                    previous = n;
                    continue;
                }
                appendInterval(set, start, previous);
                start = n;
                previous = n;
            }
            appendInterval(set, start, previous);
            sets.add(set.toString());
        });
        return String.join(",", sets);
    }

    private static void appendInterval(StringBuilder set, Long start, Long end) {
        if (start != null) {
            set.append(':').append(start);
            if (!end.equals(start)) {
                set.append('-').append(end);
            }
        }
    }
}
