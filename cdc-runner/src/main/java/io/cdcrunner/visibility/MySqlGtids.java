package io.cdcrunner.visibility;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

import io.cdcrunner.gtid.MySqlGtidSet;

/**
 * MySQL ({@code WAIT_FOR_EXECUTED_GTID_SET(set, timeout)}: 0 done, 1 timed out), on sources and replicas alike. The set
 * is each source UUID's highest transaction among the events, {@code uuid:n} — not {@code uuid:1-n}, which would wait
 * forever if the server's executed set has gaps (transactions purged or skipped). Waiting for {@code uuid:n} alone is
 * enough: replicas commit in source order ({@code replica_preserve_commit_order}, the default with multi-threaded
 * appliers since 8.0.27, and always with one applier), so once {@code uuid:n} is executed every earlier transaction is
 * too. MySQL adds a transaction to {@code gtid_executed} after its engine commit, so this holds on the source as well,
 * where commits complete in binlog order ({@code binlog_order_commits=ON}, the default). Where commits may complete out
 * of order ({@code binlog_order_commits=OFF}, or a multi-threaded replica without
 * {@code replica_preserve_commit_order}), the wait is for every GTID among them ({@code uuid:17-19:23}), which still
 * makes each of those transactions visible.
 */
final class MySqlGtids implements GtidDialect {

    private final boolean commitsInOrder;

    MySqlGtids(boolean commitsInOrder) {
        this.commitsInOrder = commitsInOrder;
    }

    @Override
    public String waitAndAppliedSql() {
        return "SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?), @@GLOBAL.gtid_executed";
    }

    @Override
    public String target(List<String> gtids) {
        return commitsInOrder ? highestPerSource(gtids) : everyPerSource(gtids);
    }

    @Override
    public Predicate<String> applied(String executed) {
        return MySqlGtidSet.parse(executed)::contains;
    }

    @Override
    public String description() {
        return commitsInOrder
                ? "WAIT_FOR_EXECUTED_GTID_SET for the first event not yet executed; events within @@gtid_executed then pass"
                : "WAIT_FOR_EXECUTED_GTID_SET for each event not yet executed (commits may complete out of order); "
                + "events within @@gtid_executed then pass";
    }

    /**
     * Event GTIDs {@code uuid:n} (or {@code uuid:tag:n}) reduced to the highest {@code n} per source; a snapshot
     * position (a whole executed set) is kept as it is, ahead of them (the server takes a UUID repeated).
     */
    static String highestPerSource(List<String> gtids) {
        return combine(gtids, MySqlGtidSet::lastOfEachSource);
    }

    /**
     * Every event GTID {@code uuid:n} (or {@code uuid:tag:n}) of the batch as one set of intervals per source, e.g.
     * {@code uuid:17-19:23}; a snapshot position (a whole executed set) is kept as it is.
     */
    static String everyPerSource(List<String> gtids) {
        return combine(gtids, Function.identity());
    }

    private static String combine(List<String> gtids, Function<MySqlGtidSet, MySqlGtidSet> reduce) {
        List<String> parts = new ArrayList<>();
        MySqlGtidSet events = MySqlGtidSet.EMPTY;
        for (String gtid : gtids) {
            String text = gtid.replace("\n", "").strip();
            if (text.isEmpty()) {
                continue;
            }
            if (isSingleGtid(text)) {
                events = events.union(MySqlGtidSet.parse(text));
            } else {
                parts.add(text);
            }
        }
        if (!events.isEmpty()) {
            parts.add(reduce.apply(events).toString());
        }
        return String.join(",", parts);
    }

    /** {@code uuid:n} or {@code uuid:tag:n}, as an event carries it, not a set such as a snapshot's position. */
    private static boolean isSingleGtid(String text) {
        int colon = text.lastIndexOf(':');
        String number = colon < 0 ? "" : text.substring(colon + 1);
        return !text.contains(",") && !number.isEmpty() && number.chars().allMatch(Character::isDigit);
    }
}
