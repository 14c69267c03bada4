package io.cdcrunner.gtid;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A MySQL GTID set as the server prints it ({@code @@gtid_executed}, {@code Executed_Gtid_Set}): per source UUID, and
 * per tag of it (MySQL 8.3+), intervals of transaction numbers, e.g. {@code 3e11fa47-...:1-17:19-30:etl:1-4,
 * 4f22fb58-...:5}. Immutable; UUIDs and tags compare case-insensitively (the server prints lowercase), whitespace and
 * the newlines the server puts after each comma are ignored. A single GTID ({@code uuid:n}, {@code uuid:tag:n}) is a
 * set of one.
 *
 * <p>Written here rather than taken from the binlog client's {@code GtidSet}: that class is mutable, reads neither
 * tags nor the server's newlines, and the client is Debezium's dependency, which this package must not need.
 */
public final class MySqlGtidSet {

    /** The set without transactions ({@code ""}). */
    public static final MySqlGtidSet EMPTY = new MySqlGtidSet(Map.of());

    /** A closed range of transaction numbers. */
    public record Interval(long first, long last) {

        public Interval {
            if (first < 1 || last < first) {
                throw new IllegalArgumentException("not a GTID interval: " + first + "-" + last);
            }
        }

        boolean contains(Interval other) {
            return first <= other.first && other.last <= last;
        }

        @Override
        public String toString() {
            return first == last ? Long.toString(first) : first + "-" + last;
        }
    }

    /** Per source ({@code uuid} or {@code uuid:tag}, lowercase), sorted, disjoint, non-adjacent intervals. */
    private final Map<String, List<Interval>> bySource;

    private MySqlGtidSet(Map<String, List<Interval>> bySource) {
        this.bySource = bySource;
    }

    /**
     * The set {@code text} writes; {@code null} or blank is {@link #EMPTY}.
     *
     * @throws IllegalArgumentException naming the part that is no GTID set
     */
    public static MySqlGtidSet parse(String text) {
        if (text == null || text.isBlank()) {
            return EMPTY;
        }
        Map<String, List<Interval>> intervals = new TreeMap<>();
        for (String perUuid : text.split(",")) {
            String[] tokens = perUuid.strip().split(":");
            if (tokens.length == 1 && tokens[0].isBlank()) {
                continue;
            }
            if (tokens.length < 2) {
                throw new IllegalArgumentException("not a MySQL GTID set: '" + perUuid.strip() + "'");
            }
            String uuid = tokens[0].strip().toLowerCase(Locale.ROOT);
            String source = uuid;
            for (int i = 1; i < tokens.length; i++) {
                String token = tokens[i].strip();
                if (token.isEmpty()) {
                    continue;
                }
                if (!Character.isDigit(token.charAt(0))) {
                    source = uuid + ":" + token.toLowerCase(Locale.ROOT);
                    continue;
                }
                intervals.computeIfAbsent(source, k -> new ArrayList<>()).add(interval(token, perUuid));
            }
        }
        return of(intervals);
    }

    private static Interval interval(String token, String context) {
        int dash = token.indexOf('-');
        try {
            long first = Long.parseLong(dash < 0 ? token : token.substring(0, dash).strip());
            long last = dash < 0 ? first : Long.parseLong(token.substring(dash + 1).strip());
            return new Interval(first, last);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a MySQL GTID set: '" + context.strip() + "' (" + token + ")", e);
        }
    }

    private static MySqlGtidSet of(Map<String, List<Interval>> intervals) {
        Map<String, List<Interval>> normal = new TreeMap<>();
        intervals.forEach((source, list) -> {
            if (!list.isEmpty()) {
                normal.put(source, merged(list));
            }
        });
        return normal.isEmpty() ? EMPTY : new MySqlGtidSet(Collections.unmodifiableMap(normal));
    }

    private static List<Interval> merged(List<Interval> intervals) {
        List<Interval> sorted = new ArrayList<>(intervals);
        sorted.sort((a, b) -> Long.compare(a.first, b.first));
        List<Interval> merged = new ArrayList<>();
        for (Interval next : sorted) {
            Interval last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && next.first <= last.last + 1) {
                merged.set(merged.size() - 1, new Interval(last.first, Math.max(last.last, next.last)));
            } else {
                merged.add(next);
            }
        }
        return List.copyOf(merged);
    }

    public boolean isEmpty() {
        return bySource.isEmpty();
    }

    /** Whether one GTID ({@code uuid:n} or {@code uuid:tag:n}) is in this set; anything else is not. */
    public boolean contains(String gtid) {
        MySqlGtidSet single;
        try {
            single = parse(gtid);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return !single.isEmpty() && contains(single);
    }

    /** Whether every transaction of {@code other} is in this set. */
    public boolean contains(MySqlGtidSet other) {
        for (Map.Entry<String, List<Interval>> entry : other.bySource.entrySet()) {
            List<Interval> mine = bySource.getOrDefault(entry.getKey(), List.of());
            for (Interval wanted : entry.getValue()) {
                if (mine.stream().noneMatch(interval -> interval.contains(wanted))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The transactions of both sets. */
    public MySqlGtidSet union(MySqlGtidSet other) {
        Map<String, List<Interval>> all = new TreeMap<>();
        for (MySqlGtidSet set : List.of(this, other)) {
            set.bySource.forEach((source, list) -> all.computeIfAbsent(source, k -> new ArrayList<>()).addAll(list));
        }
        return of(all);
    }

    /** Each source's highest transaction alone, e.g. {@code uuid:1-17:19-30} becomes {@code uuid:30}. */
    public MySqlGtidSet lastOfEachSource() {
        Map<String, List<Interval>> last = new TreeMap<>();
        bySource.forEach((source, list) -> {
            long n = list.get(list.size() - 1).last;
            last.put(source, List.of(new Interval(n, n)));
        });
        return of(last);
    }

    /** {@code uuid:1-5:7,uuid:tag:1-3,uuid2:4}: one entry per source and tag, sorted, as MySQL accepts it. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        bySource.forEach((source, list) -> {
            StringBuilder part = new StringBuilder(source);
            list.forEach(interval -> part.append(':').append(interval));
            parts.add(part.toString());
        });
        return String.join(",", parts);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MySqlGtidSet other && bySource.equals(other.bySource);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bySource);
    }
}
