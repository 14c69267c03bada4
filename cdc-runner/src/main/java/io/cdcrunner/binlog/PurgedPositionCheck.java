package io.cdcrunner.binlog;

import java.io.IOException;
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

import io.cdcrunner.state.StateStore;

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
    static Optional<String> purgedFile(Connection connection, StateStore state) throws SQLException {
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
    static void setStateAside(StateStore state, String purgedFile) {
        String label = "purged-" + System.currentTimeMillis();
        state.setStateAside(label);
        log.warn("the recorded position in {} was purged from the server; source.recovery=snapshot: re-reading the "
                + "included tables (delivered as inserts), then streaming. Old state kept in the {} as {}", purgedFile,
                state.location(), label);
    }

    private static Optional<String> recordedFile(StateStore state) {
        for (String value : state.offsets().values()) {
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
