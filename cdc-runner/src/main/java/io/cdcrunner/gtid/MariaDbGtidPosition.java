package io.cdcrunner.gtid;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A MariaDB GTID position as the server prints it ({@code @@gtid_binlog_pos}, {@code @@gtid_slave_pos}): one GTID
 * {@code domain-server-seq} per replication domain, e.g. {@code 0-1-42,1-2-7}. Immutable; whitespace and newlines
 * are ignored. A domain commits in order, so a position contains every GTID of its domains up to its sequence number,
 * whichever server wrote it: that is what {@code MASTER_GTID_WAIT} waits for.
 *
 * <p>Written here rather than taken from the binlog client's {@code MariadbGtidSet}: that class is mutable and its
 * containment compares server ids too, which a failover changes within a domain.
 */
public final class MariaDbGtidPosition {

    /** The position without GTIDs ({@code ""}). */
    public static final MariaDbGtidPosition EMPTY = new MariaDbGtidPosition(Map.of());

    /** One GTID, {@code domain-server-seq}. */
    public record Gtid(long domain, long server, long sequence) {

        /**
         * @throws IllegalArgumentException when {@code text} is not {@code domain-server-seq}
         */
        public static Gtid parse(String text) {
            String[] parts = text.strip().split("-");
            if (parts.length != 3) {
                throw new IllegalArgumentException("not a MariaDB GTID: " + text.strip());
            }
            try {
                return new Gtid(Long.parseLong(parts[0].strip()), Long.parseLong(parts[1].strip()),
                        Long.parseLong(parts[2].strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a MariaDB GTID: " + text.strip(), e);
            }
        }

        @Override
        public String toString() {
            return domain + "-" + server + "-" + sequence;
        }
    }

    private final Map<Long, Gtid> byDomain;

    private MariaDbGtidPosition(Map<Long, Gtid> byDomain) {
        this.byDomain = byDomain;
    }

    /**
     * The position {@code text} writes; {@code null} or blank is {@link #EMPTY}. A domain written more than once keeps
     * its highest sequence number.
     *
     * @throws IllegalArgumentException naming the part that is no GTID
     */
    public static MariaDbGtidPosition parse(String text) {
        return highestOf(text == null ? List.of() : List.of(text));
    }

    /** Per domain, the GTID with the highest sequence number among {@code positions} (each a position or one GTID). */
    public static MariaDbGtidPosition highestOf(Collection<String> positions) {
        Map<Long, Gtid> highest = new TreeMap<>();
        for (String position : positions) {
            for (String part : position.split(",")) {
                if (part.isBlank()) {
                    continue;
                }
                Gtid gtid = Gtid.parse(part);
                highest.merge(gtid.domain(), gtid, (a, b) -> b.sequence() > a.sequence() ? b : a);
            }
        }
        return highest.isEmpty() ? EMPTY : new MariaDbGtidPosition(Collections.unmodifiableMap(highest));
    }

    public boolean isEmpty() {
        return byDomain.isEmpty();
    }

    /** The GTID of {@code domain}, or {@code null}. */
    public Gtid gtidOf(long domain) {
        return byDomain.get(domain);
    }

    /** Whether one GTID is at or before this position in its domain; anything that is no GTID is not. */
    public boolean contains(String gtid) {
        try {
            return contains(Gtid.parse(gtid));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public boolean contains(Gtid gtid) {
        Gtid mine = byDomain.get(gtid.domain());
        return mine != null && gtid.sequence() <= mine.sequence();
    }

    /** Whether this position is at or past {@code other} in every domain of {@code other}. */
    public boolean contains(MariaDbGtidPosition other) {
        return other.byDomain.values().stream().allMatch(this::contains);
    }

    /** {@code 0-1-42,1-2-7}: one GTID per domain, by domain. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        byDomain.values().forEach(gtid -> parts.add(gtid.toString()));
        return String.join(",", parts);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MariaDbGtidPosition other && byDomain.equals(other.byDomain);
    }

    @Override
    public int hashCode() {
        return byDomain.hashCode();
    }
}
