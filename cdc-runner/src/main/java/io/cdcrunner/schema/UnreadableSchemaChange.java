package io.cdcrunner.schema;

import java.util.Optional;
import java.util.Set;

/**
 * A DDL statement the engine could not parse that may change captured tables: the rows after it cannot be read
 * with a schema the daemon can trust.
 *
 * @param targets   the captured tables (or databases) it may change
 * @param statement the statement as the binlog holds it
 * @param position  where it is in the binlog, when it was found there
 */
public record UnreadableSchemaChange(Set<String> targets, String statement, Optional<BinlogPoint> position) {

    public UnreadableSchemaChange {
        targets = Set.copyOf(targets);
    }

    /** What the user reads when the pipeline stops at it: which tables, which statement, where, why, what recovers. */
    public String stopMessage(String reason, String stateDir) {
        return "the engine cannot parse a DDL statement that may change captured " + String.join(", ", targets)
                + position.map(p -> ", at binlog position " + p).orElse("") + ": " + abbreviated(statement)
                + ". The daemon cannot take the table definitions from the server instead: " + reason
                + ". The pipeline stopped before the rows after the statement (read with a wrong definition their"
                + " values would be wrong); starting again stops here again. To go on, re-read the tables: stop the"
                + " daemon, move the state directory " + stateDir + " aside and start with source.start=snapshot"
                + " (the tables' rows are delivered again as snapshot inserts, then the changes after them)";
    }

    public static String abbreviated(String statement) {
        String oneLine = statement.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "...";
    }
}
