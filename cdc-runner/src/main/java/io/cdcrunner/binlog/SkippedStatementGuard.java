package io.cdcrunner.binlog;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.binlog.UnreadableStatement.Kind;
import io.cdcrunner.binlog.schema.CaptureFilter;
import io.cdcrunner.binlog.schema.CapturedCatalog;
import io.cdcrunner.binlog.schema.DdlReferences;
import io.cdcrunner.binlog.schema.DdlScope;
import io.cdcrunner.debezium.MariaDbDdlParser;
import io.cdcrunner.debezium.SkippedStatementFilter;
import io.cdcrunner.debezium.SkippedStatementListener;
import io.cdcrunner.delivery.FailureClassifier;
import io.cdcrunner.processor.ServerFlavor;
import io.debezium.connector.mysql.antlr.MySqlAntlrDdlParser;
import io.debezium.connector.mysql.charset.MySqlCharsetRegistry;
import io.debezium.relational.Tables;
import io.debezium.relational.ddl.DdlParser;

/**
 * Decides what a statement the engine passed over means for the pipeline. Called on the binlog thread before
 * anything after the statement is read (see {@link SkippedStatementFilter}).
 *
 * <p>A row change written as a statement (statement-format binlog) stops the pipeline when it may concern a captured
 * table: its rows are not in the binlog, so going on would lose them without a word. Outside the capture it is
 * passed over with a line in the log. A DDL statement the parser could not read:
 *
 * <ul>
 *   <li>Outside the capture: one WARN line, and streaming goes on.</li>
 *   <li>On a captured table, when the server's current definition of every table it may change is known to be the
 *       one right after the statement (no later statement in the binlog touches a captured table) and the engine
 *       can parse that definition: {@link Decision#recover}, the pipeline reloads the definitions from the server
 *       at the statement.</li>
 *   <li>Otherwise {@link Decision#stop}: nothing after the statement is processed.</li>
 * </ul>
 *
 * A statement found in {@link SchemaRecoveries} was recovered before and is passed over.
 */
public final class SkippedStatementGuard implements SkippedStatementListener {

    /** What the pipeline is to do at the statement. */
    public record Decision(UnreadableStatement change, Action action, String reason) {

        /** Reload the definitions from the server; stop before the statement; or read it again after a restart. */
        public enum Action { RECOVER, STOP, RETRY }

        static Decision recover(UnreadableStatement change) {
            return new Decision(change, Action.RECOVER, null);
        }

        static Decision stop(UnreadableStatement change, String reason) {
            return new Decision(change, Action.STOP, reason);
        }

        /** The source could not be asked (it went away): judge the statement again once it is back. */
        static Decision retry(UnreadableStatement change, String reason) {
            return new Decision(change, Action.RETRY, reason);
        }

        public boolean recover() {
            return action == Action.RECOVER;
        }
    }

    /** Opens a connection to the source server. */
    @FunctionalInterface
    public interface SourceConnections {
        Connection open() throws SQLException;
    }

    private static final Logger log = LoggerFactory.getLogger(SkippedStatementGuard.class);
    /** The name the binlog client gives its reading thread. */
    private static final String BINLOG_THREAD_PREFIX = "blc-";

    private final String pipeline;
    private final CaptureFilter filter;
    private final ServerFlavor flavor;
    private final SourceConnections source;
    private final Supplier<Optional<BinlogPoint>> readFrom;
    private final SchemaRecoveries recoveries;
    private final Consumer<Decision> onCaptured;
    private final Runnable rowlessChanges;

    /**
     * @param readFrom   a binlog position at or before any statement the engine reads from now on
     * @param onCaptured told about each statement that may concern a captured table
     * @param rowlessChanges counts each statement-format change to a captured table
     */
    public SkippedStatementGuard(String pipeline, CaptureFilter filter, ServerFlavor flavor, SourceConnections source,
                                 Supplier<Optional<BinlogPoint>> readFrom, SchemaRecoveries recoveries,
                                 Consumer<Decision> onCaptured, Runnable rowlessChanges) {
        this.rowlessChanges = rowlessChanges;
        this.pipeline = pipeline;
        this.filter = filter;
        this.flavor = flavor;
        this.source = source;
        this.readFrom = readFrom;
        this.recoveries = recoveries;
        this.onCaptured = onCaptured;
    }

    @Override
    public void unparseableDdl(String statement) {
        // The binlog client's thread reads the binlog; a snapshot's table definitions come from SHOW CREATE TABLE.
        boolean fromBinlog = Thread.currentThread().getName().startsWith(BINLOG_THREAD_PREFIX);
        decide(Kind.UNPARSEABLE_DDL, statement, connection -> fromBinlog ? decideStreamed(connection, statement.trim())
                : decideSnapshotted(connection, statement.trim()));
    }

    @Override
    public void rowlessDml(String statement) {
        decide(Kind.ROWLESS_DML, statement, connection -> decideRowless(connection, statement.trim()));
    }

    private interface Decider {
        Decision decide(Connection connection) throws SQLException;
    }

    private void decide(Kind kind, String statement, Decider decider) {
        Decision decision;
        try (Connection connection = source.open()) {
            decision = decider.decide(connection);
        } catch (SQLException e) {
            // Unable to tell where it applies: a statement that might concern a captured table never passes unseen.
            UnreadableStatement unknown = UnreadableStatement.unlocated(kind, Set.of("tables"), statement);
            String reason = "the source server could not be asked which tables it concerns (" + e.getMessage() + ")";
            decision = FailureClassifier.isConnectionFailure(e) ? Decision.retry(unknown, reason)
                    : Decision.stop(unknown, reason);
        } catch (RuntimeException e) {
            decision = Decision.stop(UnreadableStatement.unlocated(kind, Set.of("tables"), statement),
                    "the source server could not be asked which tables it concerns (" + e.getMessage() + ")");
        }
        if (decision != null) {
            onCaptured.accept(decision);
        }
    }

    /** A row change logged as a statement: a stop when it may concern a captured table. */
    private Decision decideRowless(Connection connection, String statement) throws SQLException {
        DdlScope scope = new DdlScope(filter);
        CapturedCatalog catalog = CapturedCatalog.read(connection, filter);
        Set<String> targets = scope.capturedTargets(statement, null, catalog);
        if (targets.isEmpty()) {
            log.info("pipeline '{}': passed over a statement-format change outside the capture: {}", pipeline,
                    UnreadableStatement.abbreviated(statement));
            return null;
        }
        Optional<BinlogQueries.Query> found = readFrom.get().isEmpty() ? Optional.empty()
                // The first occurrence after the recorded position: none of them can have been passed before.
                : BinlogQueries.first(connection, readFrom.get().get(), q -> q.statement().equals(statement)).found();
        if (found.isPresent()) {
            targets = scope.capturedTargets(statement, found.get().defaultDatabase(), catalog);
            if (targets.isEmpty()) {
                log.info("pipeline '{}': passed over a statement-format change outside the capture ({}): {}", pipeline,
                        found.get().position(), UnreadableStatement.abbreviated(statement));
                return null;
            }
        }
        rowlessChanges.run();
        UnreadableStatement change = found.isPresent() ? UnreadableStatement.at(Kind.ROWLESS_DML, targets, found.get())
                : UnreadableStatement.unlocated(Kind.ROWLESS_DML, targets, statement);
        return Decision.stop(change, "The session that ran it had binlog_format=STATEMENT or"
                + " MIXED, so the binlog does not hold its rows. Make every writer log rows: binlog_format=ROW in the"
                + " server's configuration, and no account allowed to change it for its session (cdc-runner check"
                + " lists them)");
    }

    /** A statement read from the binlog while streaming. */
    private Decision decideStreamed(Connection connection, String statement) throws SQLException {
        DdlScope scope = new DdlScope(filter);
        CapturedCatalog catalog = CapturedCatalog.read(connection, filter);
        Set<String> targets = scope.capturedTargets(statement, null, catalog);
        // Capturing whole databases, a bare name may be a table since dropped: only the default database tells.
        if (targets.isEmpty() && filter.listsTables()) {
            passOver(statement, "");
            return null;
        }
        Optional<BinlogPoint> from = readFrom.get();
        BinlogQueries.Scan scan = from.isEmpty() ? new BinlogQueries.Scan(Optional.empty(), 0, false)
                : BinlogQueries.all(connection, from.get(), q -> q.statement().equals(statement));
        if (scan.found().isEmpty()) {
            return Decision.stop(UnreadableStatement.unlocated(Kind.UNPARSEABLE_DDL, targets, statement),
                    "the statement was not found in the binlog after the recorded position " + from.map(String::valueOf)
                            .orElse("(none)") + (scan.complete() ? "" : " within " + BinlogQueries.MAX_EVENTS + " events"));
        }
        BinlogQueries.Query query = scan.found().get();
        targets = scope.capturedTargets(statement, query.defaultDatabase(), catalog);
        if (targets.isEmpty()) {
            passOver(statement, " (" + query.position() + ", database '" + query.defaultDatabase() + "')");
            return null;
        }
        UnreadableStatement change = UnreadableStatement.at(Kind.UNPARSEABLE_DDL, targets, query);
        if (scan.matches() > 1) {
            // Which occurrence the engine is reading cannot be told, so neither can whether it was recovered.
            return Decision.stop(change, "the same statement appears " + scan.matches() + " times after the recorded"
                    + " position, so the daemon cannot tell which one this is");
        }
        if (recoveries.covers(query.position(), statement)) {
            log.debug("pipeline '{}': DDL at {} was recovered from the server before", pipeline, query.position());
            return null;
        }
        String unsafe = whyNotRecoverable(connection, scope, catalog, change, query.position());
        return unsafe == null ? Decision.recover(change) : Decision.stop(change, unsafe);
    }

    /**
     * A table definition the engine read from the server for a snapshot (of rows, or of the schema only): a
     * captured table's when it is, to the letter, what SHOW CREATE TABLE says for a captured table of that name.
     */
    private Decision decideSnapshotted(Connection connection, String statement) throws SQLException {
        CapturedCatalog catalog = CapturedCatalog.read(connection, filter);
        Set<String> targets = new LinkedHashSet<>();
        for (String name : DdlReferences.of(statement).names()) {
            for (CapturedCatalog.TableRef table : catalog.tablesNamed(name)) {
                if (statement.equals(showCreateTable(connection, table.toString()))) {
                    targets.add(table.toString());
                }
            }
        }
        if (targets.isEmpty()) {
            // Read again at every start that reads definitions: worth a line, not a warning each time.
            log.info("pipeline '{}': passed over a table definition outside the capture that the engine cannot parse: {}",
                    pipeline, UnreadableStatement.abbreviated(statement));
            return null;
        }
        return Decision.stop(UnreadableStatement.unlocated(Kind.UNPARSEABLE_DDL, targets, statement),
                "it is the server's current definition" + unsupportedTypeHint(unparseable(statement)));
    }

    private void passOver(String statement, String where) {
        log.warn("pipeline '{}': passed over a DDL statement outside the capture that the engine cannot parse{}: {}",
                pipeline, where, UnreadableStatement.abbreviated(statement));
    }

    private static String unsupportedTypeHint(String parserMessage) {
        return (parserMessage == null ? "" : " (" + parserMessage + ")") + ": a table whose definition the engine"
                + " cannot read cannot be captured; exclude the table from source.tables or change what it cannot read";
    }

    /** Null when the server's definitions are those right after the statement and the engine can read them. */
    private String whyNotRecoverable(Connection connection, DdlScope scope, CapturedCatalog catalog,
                                     UnreadableStatement change, BinlogPoint at) throws SQLException {
        for (String target : change.targets()) {
            if (target.startsWith("database ")) {
                return "it may change a whole captured " + target;
            }
            String definition = showCreateTable(connection, target);
            if (definition == null) {
                return "table " + target + " is not on the server any more";
            }
            String unparseable = unparseable(definition);
            if (unparseable != null) {
                return "the engine cannot parse the server's definition of " + target + " either"
                        + unsupportedTypeHint(unparseable);
            }
        }
        BinlogQueries.Scan later = BinlogQueries.first(connection, at, q -> !q.position().equals(at)
                && !scope.capturedTargets(q.statement(), q.defaultDatabase(), catalog).isEmpty());
        if (!later.complete()) {
            return "the binlog after it is too long to check (more than " + BinlogQueries.MAX_EVENTS + " events)";
        }
        return later.found().map(q -> "a later statement at " + q.position() + " also changes captured tables ("
                + UnreadableStatement.abbreviated(q.statement()) + "), so the server's definitions are not those"
                + " right after it").orElse(null);
    }

    private static String showCreateTable(Connection connection, String table) throws SQLException {
        int dot = table.indexOf('.');
        String quoted = "`" + table.substring(0, dot).replace("`", "``") + "`.`"
                + table.substring(dot + 1).replace("`", "``") + "`";
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SHOW CREATE TABLE " + quoted)) {
            return rs.next() ? rs.getString(2) : null;
        } catch (SQLException e) {
            if (e.getErrorCode() == 1146) {
                return null;
            }
            throw e;
        }
    }

    /** Why the engine's parser rejects {@code definition}, or null when it reads it. */
    private String unparseable(String definition) {
        DdlParser parser = flavor == ServerFlavor.MARIADB
                ? MariaDbDdlParser.standalone()
                : new MySqlAntlrDdlParser(true, false, true, Tables.TableFilter.includeAll(), new MySqlCharsetRegistry());
        try {
            parser.parse(definition, new Tables());
            return null;
        } catch (RuntimeException e) {
            // The parser's message repeats the statement first; its last line says what it could not read.
            String message = String.valueOf(e.getMessage()).trim();
            return message.substring(message.lastIndexOf('\n') + 1);
        }
    }
}
