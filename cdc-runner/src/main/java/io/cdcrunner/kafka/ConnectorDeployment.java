package io.cdcrunner.kafka;

import java.io.IOException;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

import io.cdcrunner.debezium.ConnectorOffsets;
import io.cdcrunner.debezium.SeededStartSnapshotter;
import io.cdcrunner.kafka.ConnectRest.ConnectRestException;
import io.cdcrunner.kafka.ConnectRest.PartitionOffset;
import io.cdcrunner.source.ServerInfo.BinlogPosition;

/**
 * Creates or updates the connector {@link ConnectorConfig} describes on a Kafka Connect cluster
 * ({@code connector-config --apply}).
 *
 * <ul>
 *   <li><b>New connector starting at the binlog end</b>: the source's current binlog position is read, the connector
 *       is created {@code STOPPED}, that position is set as its offset ({@link SeededStartSnapshotter#seededOffset}),
 *       and it is resumed. Every change committed after the position is delivered, even if the worker dies before
 *       the connector's first offset flush. When Connect still holds offsets of a deleted connector of the same name,
 *       they are kept: the connector resumes from them, as Connect would have it.</li>
 *   <li><b>New connector with {@code source.start=snapshot}</b>: created running; an initial snapshot interrupted
 *       before its first offset flush is taken again, so nothing needs recording first.</li>
 *   <li><b>Existing connector</b>: its configuration is replaced; its offsets and state are left alone, except for
 *       a connector an earlier {@code --apply} created {@code STOPPED} and did not get to start: it gets its start
 *       position (if it has none yet) and is resumed.</li>
 * </ul>
 */
public final class ConnectorDeployment {

    /** Reads the source's current binlog position. */
    @FunctionalInterface
    public interface StartPosition {
        BinlogPosition read() throws SQLException;
    }

    private final ConnectRest rest;
    private final String connector;
    private final String topicPrefix;

    /**
     * @param connector   the connector's name
     * @param topicPrefix the connector's {@code topic.prefix}: its source partition
     */
    public ConnectorDeployment(ConnectRest rest, String connector, String topicPrefix) {
        this.rest = rest;
        this.connector = connector;
        this.topicPrefix = topicPrefix;
    }

    /**
     * Creates or updates the connector with {@code config} and says what was done.
     *
     * @param start where a new connector starts; empty when it takes an initial snapshot
     */
    public String apply(Map<String, String> config, Optional<StartPosition> start)
            throws IOException, ConnectRestException, SQLException {
        Optional<String> state = rest.state(connector);
        if (state.isEmpty()) {
            if (start.isEmpty()) {
                rest.create(connector, config, false);
                return "created; it reads the included tables first (source.start=snapshot)";
            }
            // Read before anything is created: a source that cannot be read leaves no connector behind.
            BinlogPosition position = start.get().read();
            rest.create(connector, config, true);
            // Connect keeps a deleted connector's offsets under its name: a connector created again under that
            // name resumes from them, as it did before, rather than jumping to the binlog end past what it missed.
            Optional<PartitionOffset> kept = rest.offsets(connector).stream().findFirst();
            if (kept.isPresent()) {
                rest.resume(connector);
                return "created; Connect still held the offsets of an earlier connector of this name, so it resumes"
                        + " from them (" + kept.get().offset() + ") rather than at the binlog end; to start afresh,"
                        + " DELETE " + rest.url() + "/connectors/" + connector + "/offsets while it is STOPPED";
            }
            return "created; " + seedAndResume(position);
        }
        rest.update(connector, config);
        if (start.isPresent() && "STOPPED".equals(state.get())) {
            // Offsets of the connector as it is now, or left by an earlier connector of its name: never replaced.
            Optional<PartitionOffset> recorded = rest.offsets(connector).stream().findFirst();
            if (recorded.isEmpty()) {
                return "updated; it was STOPPED without a start position (an earlier --apply was interrupted): "
                        + seedAndResume(start.get().read());
            }
            if (ConnectorOffsets.snapshotUnfinished(recorded.get().offset())) {
                rest.resume(connector);
                return "updated; it was STOPPED at its recorded start position (an earlier --apply was interrupted):"
                        + " resumed";
            }
        }
        return "updated; its offsets were not changed" + ("STOPPED".equals(state.get())
                ? "; it is STOPPED: PUT " + rest.url() + "/connectors/" + connector + "/resume lets it run" : "");
    }

    private String seedAndResume(BinlogPosition position) throws IOException, ConnectRestException {
        rest.alterOffset(connector, new PartitionOffset(ConnectorOffsets.partition(topicPrefix),
                SeededStartSnapshotter.seededOffset(position.file(), position.position(), position.gtidSet())));
        rest.resume(connector);
        return "it starts at the binlog position " + position.file() + ":" + position.position()
                + (position.gtidSet() == null ? "" : " (GTIDs " + position.gtidSet() + ")")
                + ", recorded before its task first ran";
    }
}
