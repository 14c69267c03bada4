package io.cdcrunner.binlog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

import io.cdcrunner.debezium.ConnectorOffsets;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the engine's recorded offset for the pipeline says: the binlog position to resume from, and whether it was
 * recorded while an initial snapshot was still reading rows. Debezium writes {@code "snapshot":"INITIAL"} (older
 * versions {@code true}) into every offset of a running snapshot and drops the key once streaming; a
 * {@code "snapshot_completed":true} ends it too. The daemon marks only data rows' offsets (never those of a schema
 * capture, see {@link BinlogBatches}), so an unfinished marker means rows of the tables were still to be read.
 *
 * @param point              the recorded position, when the offset names one
 * @param snapshotUnfinished the offset was recorded in the middle of an initial snapshot
 */
public record RecordedOffset(Optional<BinlogPoint> point, boolean snapshotUnfinished) {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The recorded offset in {@code offsets} (key JSON to value JSON), or empty when nothing is recorded. */
    public static Optional<RecordedOffset> in(Map<String, String> offsets) {
        for (String value : offsets.values()) {
            Map<?, ?> offset = parse(value);
            return Optional.of(new RecordedOffset(BinlogPoint.fromOffset(cast(offset)), ConnectorOffsets.snapshotUnfinished(offset)));
        }
        return Optional.empty();
    }

    private static Map<?, ?> parse(String value) {
        try {
            return JSON.readValue(value, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable recorded offset " + value + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> cast(Map<?, ?> offset) {
        return (Map<String, ?>) offset;
    }
}
