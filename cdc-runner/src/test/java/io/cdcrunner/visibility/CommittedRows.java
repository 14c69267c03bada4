package io.cdcrunner.visibility;

import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The rows writers committed, per family, noted right after each COMMIT returned. Each family has one
 * writer, which commits its rows one after another, so when a row's event is processed every smaller id of
 * its family was committed before it, and is already noted here.
 */
final class CommittedRows {

    private final Map<Integer, NavigableSet<Long>> byFamily = new ConcurrentHashMap<>();
    private final Map<Long, Long> commitNanos = new ConcurrentHashMap<>();

    void committed(int family, long id) {
        commitNanos.put(id, System.nanoTime());
        byFamily.computeIfAbsent(family, f -> new ConcurrentSkipListSet<>()).add(id);
    }

    /** {@link System#nanoTime()} right after row {@code id}'s COMMIT returned, or {@code null}. */
    Long commitNanos(long id) {
        return commitNanos.get(id);
    }

    /** Ids of {@code family} committed before {@code id}. */
    Set<Long> before(int family, long id) {
        NavigableSet<Long> ids = byFamily.get(family);
        return ids == null ? Set.of() : ids.headSet(id, false);
    }

    int count() {
        return byFamily.values().stream().mapToInt(Set::size).sum();
    }
}
