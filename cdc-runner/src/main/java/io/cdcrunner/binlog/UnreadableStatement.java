package io.cdcrunner.binlog;

import java.util.Optional;
import java.util.Set;

/**
 * A binlog statement the engine could not read that may concern captured tables: a DDL statement its parser
 * rejects (the rows after it cannot be read with a definition the daemon can trust), or a row change written as a
 * statement (its rows are not in the binlog at all).
 *
 * @param kind      which of the two
 * @param targets   the captured tables (or databases) it may concern
 * @param statement the statement as the binlog holds it
 * @param position  where it is in the binlog, when it was found there
 * @param fence     where the records not to process begin: the start of the statement's transaction (records inside
 *                  a transaction carry its start as their position); empty when not found: then none is processed
 */
public record UnreadableStatement(Kind kind, Set<String> targets, String statement, Optional<BinlogPoint> position,
                                  Optional<BinlogPoint> fence) {

    /** What kind of statement the engine could not read. */
    public enum Kind {
        /** DDL its parser rejects. */
        UNPARSEABLE_DDL,
        /** INSERT/UPDATE/DELETE/REPLACE logged as a statement ({@code binlog_format=STATEMENT} or {@code MIXED}). */
        ROWLESS_DML
    }

    public UnreadableStatement {
        targets = Set.copyOf(targets);
    }

    /** Not found in the binlog: nothing read from now on may be processed. */
    static UnreadableStatement unlocated(Kind kind, Set<String> targets, String statement) {
        return new UnreadableStatement(kind, targets, statement, Optional.empty(), Optional.empty());
    }

    /** Found at {@code query}. */
    static UnreadableStatement at(Kind kind, Set<String> targets, BinlogQueries.Query query) {
        return new UnreadableStatement(kind, targets, query.statement(), Optional.of(query.position()),
                Optional.of(query.transactionStart()));
    }

    /** What the user reads when the pipeline stops at it: which tables, which statement, where, why, what recovers. */
    public String stopMessage(String reason, String stateLocation) {
        String where = String.join(", ", targets) + position.map(p -> ", at binlog position " + p).orElse("") + ": "
                + abbreviated(statement);
        String head = kind == Kind.ROWLESS_DML
                ? "the binlog holds a statement instead of row images for captured " + where + ". " + reason
                : "the engine cannot parse a DDL statement that may change captured " + where
                        + ". The daemon cannot take the table definitions from the server instead: " + reason;
        return head + ". The pipeline stopped before it (read past it, rows would be lost or read with a wrong"
                + " definition); starting again stops here again. To go on, re-read the tables: stop the daemon, move"
                + " the " + stateLocation + " aside and start with source.start=snapshot (the tables' rows"
                + " are delivered again as snapshot inserts, then the changes after them)";
    }

    public static String abbreviated(String statement) {
        String oneLine = statement.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "...";
    }
}
