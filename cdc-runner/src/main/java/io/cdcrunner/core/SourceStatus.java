package io.cdcrunner.core;

import java.util.List;
import java.util.Optional;

/**
 * What a source says about itself, for monitoring: read now and then from another thread, one consistent record.
 *
 * @param connected  whether the source reaches its server, for a source that knows it itself in every phase; empty
 *                   when the binlog engine's own MBean tells it (which it does only while streaming)
 * @param backlog    records the source holds that the pipeline has not taken yet, when the source can count them
 * @param problem    what an operator must act on that does not stop the pipeline (a Kafka partition a halt holds, an
 *                   engine that cannot reconnect), for the pipeline's last error
 * @param partitions the partitions of the source this instance owns, one line each with its lag (none for the binlog)
 * @param server     the database server the binlog is read from, since when and why; empty for Kafka
 */
public record SourceStatus(Optional<Boolean> connected, Optional<Long> backlog, Optional<String> problem,
                           List<String> partitions, Optional<Server> server) {

    /**
     * The server a binlog source reads.
     *
     * @param address {@code host:port}
     * @param since   when the daemon began reading it
     * @param reason  why this one (the writable server, the first that answers...) and how it resumed
     */
    public record Server(String address, java.time.Instant since, String reason) {
    }

    public SourceStatus(Optional<Boolean> connected, Optional<Long> backlog, Optional<String> problem,
                        List<String> partitions) {
        this(connected, backlog, problem, partitions, Optional.empty());
    }

    /** A source that knows nothing of itself beyond what the engine's MBean says. */
    public static final SourceStatus UNKNOWN = new SourceStatus(Optional.empty(), Optional.empty(), Optional.empty(),
            List.of());

    public SourceStatus {
        partitions = List.copyOf(partitions);
    }

    /** A source that knows it cannot reach its server, and why. */
    public static SourceStatus unreachable(String problem) {
        return new SourceStatus(Optional.of(false), Optional.empty(), Optional.of(problem), List.of());
    }
}
