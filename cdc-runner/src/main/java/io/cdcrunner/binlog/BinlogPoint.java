package io.cdcrunner.binlog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;


/** A position in the source's binlog: a file and a byte offset in it. Ordered as the server writes them. */
public record BinlogPoint(String file, long position) implements Comparable<BinlogPoint> {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The position an engine offset (or a record's source offset) names, if it names one. */
    public static Optional<BinlogPoint> fromOffset(Map<String, ?> offset) {
        if (offset == null || !(offset.get("file") instanceof String file) || !(offset.get("pos") instanceof Number pos)) {
            return Optional.empty();
        }
        return Optional.of(new BinlogPoint(file, pos.longValue()));
    }

    /** The position the offsets file records for the pipeline, if there is one. */
    public static Optional<BinlogPoint> recordedIn(Path offsetsFile) {
        return recordedIn(OffsetFileStore.read(offsetsFile));
    }

    /** The position in recorded offsets (key JSON to value JSON), if they hold one. */
    public static Optional<BinlogPoint> recordedIn(java.util.Map<String, String> offsets) {
        for (String value : offsets.values()) {
            try {
                Optional<BinlogPoint> point = fromOffset(JSON.readValue(value, Map.class));
                if (point.isPresent()) {
                    return point;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable recorded offset " + value + ": " + e.getMessage(), e);
            }
        }
        return Optional.empty();
    }

    @Override
    public int compareTo(BinlogPoint other) {
        int byFile = Long.compare(sequence(file), sequence(other.file));
        if (byFile == 0) {
            byFile = file.compareTo(other.file);
        }
        return byFile != 0 ? byFile : Long.compare(position, other.position);
    }

    /** The file's sequence number: binlog files are named {@code base.000123}. */
    private static long sequence(String file) {
        int dot = file.lastIndexOf('.');
        try {
            return dot < 0 ? 0 : Long.parseLong(file.substring(dot + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public String toString() {
        return file + ":" + position;
    }
}
