package io.cdcrunner.visibility;

import java.util.List;
import java.util.function.Predicate;

import io.cdcrunner.gtid.MariaDbGtidPosition;

/**
 * MariaDB ({@code MASTER_GTID_WAIT(pos, timeout)}: 0 done, -1 timed out): the position is the highest GTID of each
 * replication domain among the events ({@code domain-server-seq}, highest seq). It waits on the replica's applied
 * position ({@code gtid_slave_pos}), so it is for replicas only; on a primary it times out. A MariaDB replica commits in
 * binlog order within a domain (also with parallel replication, which keeps commit order), so reaching a GTID means
 * every earlier transaction of its domain is visible. Domains are applied independently: the wait covers the domains
 * of the events read, not a transaction of another domain that changed no captured table.
 */
final class MariaDbGtids implements GtidDialect {

    @Override
    public String waitAndAppliedSql() {
        return "SELECT MASTER_GTID_WAIT(?, ?), @@GLOBAL.gtid_slave_pos";
    }

    @Override
    public String target(List<String> gtids) {
        return highestPerDomain(gtids);
    }

    @Override
    public Predicate<String> applied(String applied) {
        return MariaDbGtidPosition.parse(applied)::contains;
    }

    @Override
    public String description() {
        return "MASTER_GTID_WAIT for the first event not yet applied; events within @@gtid_slave_pos then pass";
    }

    /** {@code 0-1-5,0-1-9,1-2-3} becomes {@code 0-1-9,1-2-3}. */
    static String highestPerDomain(List<String> positions) {
        return MariaDbGtidPosition.highestOf(positions).toString();
    }
}
