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
import java.util.function.Predicate;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.ServerFlavor;

/**
 * Waits for GTIDs to be applied on the read server.
 *
 * <p>Progressive: a wait is for the GTID of the event that needs it (and of the pending events before it),
 * not the batch's last. The same query returns what the server has applied ({@code @@gtid_slave_pos} or
 * {@code @@gtid_executed}), and every pending event within it passes without a wait. On a replica that lags by a few seconds a batch read at once from the source's binlog therefore
 * flows out at the pace the replica applies it, instead of waiting for its last transaction: commit to
 * processed stays about the replica's lag, and a replica that keeps up needs one wait for a whole batch.
 *
 * <p><b>MariaDB</b> ({@code MASTER_GTID_WAIT(pos, timeout)}: 0 done, -1 timed out): the position is the
 * highest GTID of each replication domain among the pending events up to the needed one ({@code domain-server-seq}, highest seq). It waits on
 * the replica's applied position ({@code gtid_slave_pos}), so it is for replicas only; on a primary it times
 * out. A MariaDB replica commits in binlog order within a domain (also with parallel replication, which keeps
 * commit order), so reaching a GTID means every earlier transaction of its domain is visible. Domains are
 * applied independently: the wait covers the domains of the events read, not a transaction of another domain
 * that changed no captured table.
 *
 * <p><b>MySQL</b> ({@code WAIT_FOR_EXECUTED_GTID_SET(set, timeout)}: 0 done, 1 timed out), on sources and
 * replicas alike. The set is each source UUID's highest transaction among those events, {@code uuid:n} — not
 * {@code uuid:1-n}, which would wait forever if the server's executed set has gaps (transactions purged or
 * skipped). Waiting for {@code uuid:n} alone is enough: replicas commit in source order
 * ({@code replica_preserve_commit_order}, the default with multi-threaded appliers since 8.0.27, and always
 * with one applier), so once {@code uuid:n} is executed every earlier transaction is too. MySQL adds a
 * transaction to {@code gtid_executed} after its engine commit, so this holds on the source as well, where
 * commits complete in binlog order ({@code binlog_order_commits=ON}, the default). Where commits may
 * complete out of order ({@code binlog_order_commits=OFF}, or a multi-threaded replica without
 * {@code replica_preserve_commit_order}), the wait is for every GTID among them ({@code uuid:17-19:23}),
 * which still makes each of those transactions visible.
 *
 * <p>Rows of an initial snapshot carry no GTID: for them the barrier waits, once, for the GTID position the
 * source had reached when the first snapshot row was processed, which is past the snapshot's consistent point.
 */
final class GtidWait implements CatchUp {

    private final ServerFlavor flavor;
    private final boolean commitsInOrder;
    private final Callable<String> sourceGtidPosition;
    /** The snapshot (its consistent point, file:pos) whose target below was read; a redone snapshot has another. */
    private String snapshotKey;
    private String snapshotTarget;
    /** The snapshot whose target the read server has reached, or null. */
    private volatile String snapshotReached;

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
                ? "MASTER_GTID_WAIT for the first event not yet applied; events within @@gtid_slave_pos then pass"
                : commitsInOrder ? "WAIT_FOR_EXECUTED_GTID_SET for the first event not yet executed; events within @@gtid_executed then pass"
                : "WAIT_FOR_EXECUTED_GTID_SET for each event not yet executed (commits may complete out of order); "
                + "events within @@gtid_executed then pass";
    }

    @Override
    public boolean covers(ChangeEvent event) {
        return event.position().snapshot() || event.position().gtid() != null;
    }

    @Override
    public int await(List<ChangeEvent> pending, int needed, Duration timeout, Connection connection)
            throws SQLException, VisibilityTimeoutException {
        List<ChangeEvent> upToNeeded = pending.subList(0, needed + 1);
        String target = target(upToNeeded);
        // One round trip: the wait, then what the server has applied. Were the position read before the wait
        // returned it would only show less, never more, so the answer is safe either way.
        String sql = flavor == ServerFlavor.MARIADB ? "SELECT MASTER_GTID_WAIT(?, ?), @@GLOBAL.gtid_slave_pos"
                : "SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?), @@GLOBAL.gtid_executed";
        String applied;
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
                applied = rs.getString(2);
            }
        }
        for (ChangeEvent event : upToNeeded) {
            if (event.position().snapshot()) {
                snapshotReached = snapshotKey(event);
            }
        }
        if (needed + 1 == pending.size() || applied == null) {
            return needed + 1;
        }
        return Math.max(needed + 1, leadingApplied(pending, applied));
    }

    /** How many leading events of {@code pending} the applied position {@code applied} shows. */
    int leadingApplied(List<ChangeEvent> pending, String applied) {
        Predicate<String> contains = flavor == ServerFlavor.MARIADB ? mariaDbApplied(applied) : mySqlExecuted(applied);
        int shown = 0;
        for (ChangeEvent event : pending) {
            boolean visible = event.position().snapshot() ? snapshotKey(event).equals(snapshotReached)
                    : contains.test(event.position().gtid());
            if (!visible) {
                break;
            }
            shown++;
        }
        return shown;
    }

    /**
     * Whether a MariaDB GTID {@code domain-server-seq} is at or before the applied position (one GTID per
     * domain). A domain commits in order on a replica, so a lower or equal seq of the same domain is applied.
     */
    static Predicate<String> mariaDbApplied(String applied) {
        Map<Long, Long> seqByDomain = new TreeMap<>();
        for (String gtid : applied.split(",")) {
            String[] parts = gtid.trim().split("-");
            if (parts.length == 3) {
                seqByDomain.merge(Long.parseLong(parts[0]), Long.parseLong(parts[2]), Math::max);
            }
        }
        return gtid -> {
            String[] parts = gtid.trim().split("-");
            if (parts.length != 3) {
                return false;
            }
            Long seq = seqByDomain.get(Long.parseLong(parts[0]));
            return seq != null && Long.parseLong(parts[2]) <= seq;
        };
    }

    /**
     * Whether a MySQL GTID {@code uuid:n} (or {@code uuid:tag:n}) is in an executed set such as
     * {@code uuid:1-5:7,uuid2:1-3} or, with tags, {@code uuid:1-5:tag_a:1-3}.
     */
    static Predicate<String> mySqlExecuted(String executed) {
        Map<String, List<long[]>> intervals = new TreeMap<>();
        for (String perSource : executed.replace("\n", "").split(",")) {
            String[] tokens = perSource.trim().split(":");
            if (tokens.length < 2) {
                continue;
            }
            String uuid = tokens[0].toLowerCase(java.util.Locale.ROOT);
            String source = uuid;
            for (int i = 1; i < tokens.length; i++) {
                String token = tokens[i].trim();
                if (token.isEmpty()) {
                    continue;
                }
                if (!Character.isDigit(token.charAt(0))) {
                    source = uuid + ":" + token.toLowerCase(java.util.Locale.ROOT);
                    continue;
                }
                int dash = token.indexOf('-');
                long start = Long.parseLong(dash < 0 ? token : token.substring(0, dash));
                long end = dash < 0 ? start : Long.parseLong(token.substring(dash + 1));
                intervals.computeIfAbsent(source, k -> new ArrayList<>()).add(new long[] {start, end});
            }
        }
        return gtid -> {
            String trimmed = gtid.trim();
            int colon = trimmed.lastIndexOf(':');
            if (colon < 0) {
                return false;
            }
            long n;
            try {
                n = Long.parseLong(trimmed.substring(colon + 1));
            } catch (NumberFormatException e) {
                return false;
            }
            List<long[]> ranges = intervals.get(trimmed.substring(0, colon).toLowerCase(java.util.Locale.ROOT));
            return ranges != null && ranges.stream().anyMatch(range -> range[0] <= n && n <= range[1]);
        };
    }

    /** The GTIDs to wait for: per domain (MariaDB) or source UUID (MySQL) the highest of the batch. */
    String target(List<ChangeEvent> covered) throws SQLException {
        List<String> gtids = new ArrayList<>();
        for (ChangeEvent event : covered) {
            if (event.position().snapshot()) {
                gtids.add(snapshotTarget(event));
            } else {
                gtids.add(event.position().gtid());
            }
        }
        if (flavor == ServerFlavor.MARIADB) {
            return highestPerDomain(gtids);
        }
        return commitsInOrder ? highestPerSource(gtids) : everyPerSource(gtids);
    }

    /**
     * The source's GTID position read when the first row of this snapshot came: past its consistent point.
     * Read again for a snapshot with another consistent point (redone after a restart of the engine).
     */
    private String snapshotTarget(ChangeEvent event) throws SQLException {
        String key = snapshotKey(event);
        if (!key.equals(snapshotKey)) {
            snapshotKey = key;
            snapshotTarget = null;
        }
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

    private static String snapshotKey(ChangeEvent event) {
        return event.position().binlogFile() + ":" + event.position().binlogPosition();
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
