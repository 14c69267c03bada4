package io.cdcrunner.binlog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last GTID of each source server among the events the engine handed over in this process: what the daemon read
 * beyond the recorded offsets (flushed every {@code state.offset.flush.interval.ms}), so that a move to another
 * server in the same process is judged against everything read, not only what was recorded.
 *
 * <p>A MySQL GTID is {@code uuid:n}, a MariaDB one {@code domain-server-seq}; within one source server they only grow.
 */
final class ReadGtids {

    private final Map<String, Long> last = new ConcurrentHashMap<>();
    /** The GTID noted last: the events of one transaction share it, so it is parsed once per transaction. */
    private String previous;

    /**
     * Notes the GTID of an event handed over; null (no GTID) and unreadable ones are ignored. Called by one thread at
     * a time (the engine's); {@link #lastOfEach} may be called from any.
     */
    void read(String gtid) {
        if (gtid == null || gtid.isEmpty() || gtid.equals(previous)) {
            return;
        }
        previous = gtid;
        int colon = gtid.lastIndexOf(':');
        int dash = gtid.lastIndexOf('-');
        int split = colon >= 0 ? colon : dash;
        if (split <= 0) {
            return;
        }
        try {
            long sequence = Long.parseLong(gtid.substring(split + 1));
            last.merge(gtid.substring(0, split + 1), sequence, Math::max);
        } catch (NumberFormatException e) {
            // not a GTID this class knows: the recorded offsets still carry what was read up to their flush
        }
    }

    /** The last GTID of each source server, in the server's notation. */
    List<String> lastOfEach() {
        List<String> gtids = new ArrayList<>();
        last.forEach((source, sequence) -> gtids.add(source + sequence));
        return gtids;
    }
}
