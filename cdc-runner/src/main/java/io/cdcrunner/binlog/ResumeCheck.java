package io.cdcrunner.binlog;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cdcrunner.gtid.MariaDbGtidPosition;
import io.cdcrunner.processor.ServerFlavor;

/**
 * Whether the daemon can go on reading a server from what it recorded (and, within this process, what it already
 * read): the rule a failover is judged by.
 *
 * <p>Where the recorded offsets carry GTIDs and the server has them, the engine resumes by GTID (the server sends
 * every transaction not in the recorded set), so any server of the cluster will do provided it holds every
 * transaction the daemon processed and still has in its binlogs every one it has not: MySQL's
 * {@code @@gtid_executed} contains the recorded set and {@code @@gtid_purged} does not reach beyond it; MariaDB's
 * {@code @@gtid_binlog_state} has, for each domain and server of the recorded position, at least its sequence
 * number, and its first binlog starts at or before it ({@code BINLOG_GTID_POS}). Without GTIDs on either side the
 * recorded file must still be on the server, as before.
 */
final class ResumeCheck {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the check found. */
    sealed interface Verdict permits Resumable, Purged, Missing {
    }

    /** The daemon can read the server from where it was. @param how how it resumes there, for the log */
    record Resumable(String how) implements Verdict {
    }

    /** Transactions the daemon has not read are no longer in the server's binlogs. */
    record Purged(String what) implements Verdict {
    }

    /**
     * The server lacks transactions the daemon already read.
     *
     * @param missing  the GTIDs the server lacks, in its notation
     * @param recorded the recorded GTIDs
     * @param server   the server's own GTIDs
     */
    record Missing(String missing, String recorded, String server) implements Verdict {
    }

    private ResumeCheck() {
    }

    /**
     * @param offsets   the recorded offsets (key JSON to value JSON); nothing recorded passes
     * @param processed the last GTID of each source server (MySQL {@code uuid:n}, MariaDB {@code d-s-n}) the daemon
     *                  read in this process, beyond what may be recorded yet; empty when none
     */
    static Verdict judge(Connection connection, ServerFlavor flavor, Map<String, String> offsets,
                         List<String> processed) throws SQLException {
        Optional<JsonNode> offset = recordedOffset(offsets);
        if (offset.isEmpty()) {
            return new Resumable("nothing recorded yet");
        }
        String gtids = offset.get().hasNonNull("gtids") ? offset.get().get("gtids").asText().trim() : "";
        String file = offset.get().hasNonNull("file") ? offset.get().get("file").asText() : null;
        if (!gtids.isEmpty() && flavor == ServerFlavor.MYSQL && mySqlGtidsOn(connection)) {
            return mySql(connection, gtids, processed);
        }
        if (!gtids.isEmpty() && flavor == ServerFlavor.MARIADB) {
            return mariaDb(connection, gtids, processed);
        }
        if (file == null || binaryLogs(connection).contains(file)) {
            return new Resumable("at the recorded binlog position " + file + ":" + offset.get().path("pos").asLong());
        }
        return new Purged("the recorded binlog file " + file);
    }

    private static Verdict mySql(Connection connection, String recorded, List<String> processed) throws SQLException {
        String executed = selectString(connection, "SELECT @@GLOBAL.gtid_executed");
        String read = processed.isEmpty() ? recorded : recorded + "," + String.join(",", processed);
        String missing = selectString(connection, "SELECT GTID_SUBTRACT(?, ?)", read, executed);
        if (!missing.isBlank()) {
            return new Missing(compact(missing), compact(recorded), compact(executed));
        }
        String purged = selectString(connection, "SELECT @@GLOBAL.gtid_purged");
        String unread = selectString(connection, "SELECT GTID_SUBTRACT(?, ?)", purged, recorded);
        if (!unread.isBlank()) {
            return new Purged("the transactions " + compact(unread) + ", not read yet (gtid_purged)");
        }
        return new Resumable("by GTID after " + compact(recorded));
    }

    private static Verdict mariaDb(Connection connection, String recorded, List<String> processed)
            throws SQLException {
        Map<String, Long> state = byStream(selectString(connection, "SELECT @@GLOBAL.gtid_binlog_state"));
        Map<String, Long> read = byStream(recorded);
        for (String gtid : processed) {
            byStream(gtid).forEach((stream, sequence) -> read.merge(stream, sequence, Math::max));
        }
        List<String> missing = new ArrayList<>();
        read.forEach((stream, sequence) -> {
            Long has = state.get(stream);
            if (has == null || has < sequence) {
                missing.add(has == null ? "every transaction of " + stream + " up to " + stream + "-" + sequence
                        : stream + "-" + (has + 1) + ".." + stream + "-" + sequence);
            }
        });
        String serverState = selectString(connection, "SELECT @@GLOBAL.gtid_binlog_state");
        if (!missing.isEmpty()) {
            return new Missing(String.join(", ", missing), recorded, serverState);
        }
        List<String> logs = binaryLogs(connection);
        if (!logs.isEmpty()) {
            String start = selectString(connection, "SELECT BINLOG_GTID_POS(?, 4)", logs.get(0));
            MariaDbGtidPosition first = MariaDbGtidPosition.parse(start);
            MariaDbGtidPosition have = MariaDbGtidPosition.highestOf(List.of(recorded.split(",")));
            for (String gtid : start.isBlank() ? new String[0] : start.split(",")) {
                MariaDbGtidPosition.Gtid needed = MariaDbGtidPosition.Gtid.parse(gtid.trim());
                MariaDbGtidPosition.Gtid mine = have.gtidOf(needed.domain());
                if (mine != null && mine.sequence() < needed.sequence()) {
                    return new Purged("the transactions of domain " + needed.domain() + " after " + mine
                            + " (the server's first binlog " + logs.get(0) + " starts after " + first.gtidOf(
                            needed.domain()) + ")");
                }
            }
        }
        return new Resumable("by GTID after " + recorded);
    }

    /** {@code domain-server} to the highest sequence number of a MariaDB GTID list. */
    private static Map<String, Long> byStream(String gtids) {
        Map<String, Long> streams = new LinkedHashMap<>();
        for (String text : gtids.split(",")) {
            if (text.isBlank()) {
                continue;
            }
            MariaDbGtidPosition.Gtid gtid = MariaDbGtidPosition.Gtid.parse(text.trim());
            streams.merge(gtid.domain() + "-" + gtid.server(), gtid.sequence(), Math::max);
        }
        return streams;
    }

    private static boolean mySqlGtidsOn(Connection connection) throws SQLException {
        return "ON".equalsIgnoreCase(selectString(connection, "SELECT @@GLOBAL.gtid_mode"));
    }

    private static List<String> binaryLogs(Connection connection) throws SQLException {
        List<String> logs = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                logs.add(rs.getString(1));
            }
        }
        return logs;
    }

    private static String selectString(Connection connection, String sql, String... args) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setString(i + 1, args[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                String value = rs.next() ? rs.getString(1) : null;
                return value == null ? "" : value;
            }
        }
    }

    private static String compact(String gtidSet) {
        return gtidSet.replace("\n", "").replace(" ", "");
    }

    private static Optional<JsonNode> recordedOffset(Map<String, String> offsets) {
        for (String value : offsets.values()) {
            try {
                return Optional.of(JSON.readTree(value));
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
