package io.cdcrunner.binlog;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.json.JsonConverter;

import io.cdcrunner.debezium.ConnectorOffsets;
import io.cdcrunner.state.StateStore;

/**
 * Records a binlog start position in the offsets file before the engine's first start.
 *
 * <p>Why: with a schema-only first start, Debezium commits no offset until it has processed an event, so a
 * daemon stopped (or killed) before the first event would start again at the binlog end and silently skip
 * the rows committed in between. Seeding the position the daemon first saw closes that window: from then
 * on every restart resumes from a recorded position.
 *
 * <p>The key and value are produced by the same converter the engine uses for its offsets, so they match
 * byte for byte what the engine reads back.
 */
public final class OffsetSeeder {

    private OffsetSeeder() {
    }

    /**
     * Writes the start position unless the offsets file already holds one.
     *
     * @param state       where the engine's offsets are stored
     * @param engineName  the engine's {@code name}
     * @param topicPrefix the connector's {@code topic.prefix} (its logical server name)
     * @param binlogFile  current binlog file
     * @param position    current position in it
     * @param gtidSet     the server's executed GTID set, or null when GTIDs are not used
     * @return true if a position was written, false if offsets existed already
     */
    public static boolean seedIfAbsent(StateStore state, String engineName, String topicPrefix,
                                       String binlogFile, long position, String gtidSet) {
        if (!state.offsets().isEmpty()) {
            return false;
        }
        state.writeOffsets(Map.of(
                json(List.of(engineName, ConnectorOffsets.partition(topicPrefix)), true),
                json(ConnectorOffsets.startOffset(binlogFile, position, gtidSet), false)));
        return true;
    }

    private static String json(Object value, boolean isKey) {
        try (JsonConverter converter = new JsonConverter()) {
            converter.configure(Map.of("schemas.enable", "false"), isKey);
            return new String(converter.fromConnectData("", null, value), StandardCharsets.UTF_8);
        }
    }
}
