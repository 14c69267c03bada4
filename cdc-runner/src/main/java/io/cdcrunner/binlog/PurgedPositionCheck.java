package io.cdcrunner.binlog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cdcrunner.state.StateDirectory;

/**
 * Before a restart, checks that the binlog file of the recorded position still exists on the server. When
 * it was purged, the engine could only fail later; this says so up front, or, with
 * {@code source.recovery=snapshot}, sets the old state aside so the start re-reads the included tables.
 */
final class PurgedPositionCheck {

    private static final Logger log = LoggerFactory.getLogger(PurgedPositionCheck.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private PurgedPositionCheck() {
    }

    /** The recorded binlog file, if the offsets name one that the server no longer has. */
    static Optional<String> purgedFile(Connection connection, StateDirectory state) throws SQLException {
        Optional<String> recorded = recordedFile(state);
        if (recorded.isEmpty()) {
            return Optional.empty();
        }
        Set<String> present = new HashSet<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                present.add(rs.getString(1));
            }
        }
        return present.contains(recorded.get()) ? Optional.empty() : recorded;
    }

    /** Moves the offsets and schema history aside (kept for inspection) so the next start begins afresh. */
    static void setStateAside(StateDirectory state, String purgedFile) {
        String suffix = ".purged-" + System.currentTimeMillis();
        for (Path file : new Path[] {state.offsetsFile(), state.schemaHistoryFile()}) {
            try {
                if (Files.exists(file)) {
                    Files.move(file, file.resolveSibling(file.getFileName() + suffix), StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot set " + file + " aside for the recovery snapshot", e);
            }
        }
        log.warn("the recorded position in {} was purged from the server; source.recovery=snapshot: re-reading the "
                + "included tables (delivered as inserts), then streaming. Old state kept as *{}", purgedFile, suffix);
    }

    private static Optional<String> recordedFile(StateDirectory state) {
        for (String value : OffsetFileStore.read(state.offsetsFile()).values()) {
            try {
                JsonNode offset = JSON.readTree(value);
                if (offset.hasNonNull("file")) {
                    return Optional.of(offset.get("file").asText());
                }
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
