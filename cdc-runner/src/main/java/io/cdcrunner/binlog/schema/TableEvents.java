package io.cdcrunner.binlog.schema;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cdcrunner.mapping.DropEvents;
import io.cdcrunner.mapping.SchemaChange;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Operation;
import io.debezium.relational.TableId;

/**
 * Turns the engine's schema changes into {@link Operation#DROP} table events for captured tables: one per table of a
 * {@code DROP TABLE} and {@code CREATE OR REPLACE TABLE}, and one per captured table of the database of a
 * {@code DROP DATABASE}. The engine reports a dropped database without its tables, so this class keeps the captured
 * tables it knows of: those on the server when the pipeline started, those the schema history ever defined (the
 * daemon may resume from a position before tables that are gone now), and those the engine reports created, altered
 * or renamed since: every table rows can come from is one of these. A table dropped before is dropped again harmlessly. Statements of the
 * engine's own schema snapshot (which begins with {@code DROP TABLE IF EXISTS} of every table) and of temporary
 * tables are not table events.
 *
 * <p>Used on the engine's thread only.
 */
public final class TableEvents implements DropEvents {

    private static final Logger log = LoggerFactory.getLogger(TableEvents.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TEMPORARY = Pattern.compile("\\s*(?:CREATE|DROP)\\s+(?:OR\\s+REPLACE\\s+)?(?:/\\*!?\\d*\\s*)?TEMPORARY\\b.*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern CREATE_OR_REPLACE = Pattern.compile("\\s*CREATE\\s+OR\\s+REPLACE\\s+TABLE\\b.*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern DROP_DATABASE_STATEMENT = Pattern.compile("DROP\\s+(?:DATABASE|SCHEMA)\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern DROP_DATABASE = Pattern.compile(
            "\\s*DROP\\s+(?:DATABASE|SCHEMA)\\s+(?:IF\\s+EXISTS\\s+)?(?:`((?:[^`]|``)+)`|([A-Za-z0-9_$]+))\\s*;?\\s*",
            Pattern.CASE_INSENSITIVE);

    /** Partition maintenance that removes or moves rows with no row event in the binlog, only the statement. */
    private static final Pattern ROWS_WITHOUT_EVENTS = Pattern.compile(
            "\\b(TRUNCATE|DROP|EXCHANGE|DISCARD|CONVERT)\\s+PARTITION\\b|\\bCONVERT\\s+TABLE\\b",
            Pattern.CASE_INSENSITIVE);

    private final CaptureFilter filter;
    /** Lower-cased {@code database.table} to the table as spelled by the server, in the order learnt. */
    private final Map<String, CapturedCatalog.TableRef> known = new LinkedHashMap<>();

    public TableEvents(CaptureFilter filter) {
        this.filter = filter;
    }

    /** Learns the captured tables on the server now. */
    public void learnCatalog(Connection connection) throws SQLException {
        CapturedCatalog.read(connection, filter).tables().forEach(t -> learn(t.database(), t.table()));
    }

    /** Learns every captured table the engine's schema history (its records, oldest first) ever defined. */
    public void learnHistory(List<String> history) {
        for (String line : history) {
            try {
                for (JsonNode change : JSON.readTree(line).path("tableChanges")) {
                    String type = change.path("type").asText();
                    if (type.equals("CREATE") || type.equals("ALTER")) {
                        TableId id = TableId.parse(change.path("id").asText());
                        String database = id.catalog() != null ? id.catalog() : id.schema();
                        if (database != null && filter.captures(database, id.table())) {
                            learn(database, id.table());
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // A record the engine wrote in another shape: the catalog and the stream still teach the tables.
            }
        }
    }

    /** The table events of a schema change, in statement order; empty when it drops no captured table. */
    @Override
    public List<ChangeEvent> of(SchemaChange change) {
        List<ChangeEvent> drops = new ArrayList<>();
        String ddl = withoutLeadingComments(change.ddl() == null ? "" : change.ddl());
        if (TEMPORARY.matcher(ddl).matches()) {
            return drops;
        }
        if (change.tables().isEmpty()) {
            String dropped = droppedDatabase(ddl);
            if (dropped != null && change.database() != null && !change.database().isEmpty()) {
                // The engine's parser reads every spelling of the name (ANSI quotes, non-ASCII letters).
                dropped = change.database();
            }
            if (dropped != null && !change.position().snapshot()) {
                for (CapturedCatalog.TableRef table : List.copyOf(known.values())) {
                    if (table.database().equalsIgnoreCase(dropped)) {
                        known.remove(key(table.database(), table.table()));
                        drops.add(drop(change, table.database(), table.table()));
                    }
                }
                if (drops.isEmpty() && filter.capturesDatabase(dropped)) {
                    log.warn("DROP DATABASE {} at {}: no captured table of it is known, so no DROP event is delivered; "
                            + "processors that keep state about its tables must be told otherwise", dropped,
                            change.position());
                }
            }
            return drops;
        }
        boolean replaced = CREATE_OR_REPLACE.matcher(ddl).matches();
        String partitionWork = change.position().snapshot() ? null : rowsWithoutEvents(ddl);
        for (SchemaChange.TableChange table : change.tables()) {
            if (table.database() == null || !filter.captures(table.database(), table.table())) {
                continue;
            }
            if ("DROP".equals(table.type())) {
                known.remove(key(table.database(), table.table()));
                if (!change.position().snapshot()) {
                    drops.add(drop(change, table.database(), table.table()));
                }
            } else {
                if (partitionWork != null) {
                    log.warn("{} on {}.{} at {}: it removes or moves rows, and the binlog carries only the statement, "
                                    + "so no event is delivered for those rows; processors that keep state about them "
                                    + "(summaries, ledgers) must be told otherwise, e.g. by re-processing the table's "
                                    + "families", partitionWork, table.database(), table.table(), change.position());
                }
                if (replaced && "CREATE".equals(table.type()) && !change.position().snapshot()) {
                    // The rows of the table it replaces are gone, without a row event each.
                    drops.add(drop(change, table.database(), table.table()));
                }
                learn(table.database(), table.table());
            }
        }
        return drops;
    }

    /**
     * The partition operation of {@code ddl} that removes or moves rows without row events ({@code TRUNCATE
     * PARTITION}, {@code DROP PARTITION}, {@code EXCHANGE PARTITION}, MySQL's {@code DISCARD PARTITION}, MariaDB's
     * {@code CONVERT PARTITION}/{@code CONVERT TABLE}), upper-cased, or null.
     */
    static String rowsWithoutEvents(String ddl) {
        if (ddl == null || !ddl.stripLeading().regionMatches(true, 0, "ALTER", 0, 5)) {
            return null;
        }
        java.util.regex.Matcher matcher = ROWS_WITHOUT_EVENTS.matcher(ddl);
        return matcher.find() ? matcher.group().replaceAll("\\s+", " ").toUpperCase(java.util.Locale.ROOT) : null;
    }

    /**
     * The database a {@code DROP DATABASE} statement drops as its text spells it ({@code ""} when the spelling is
     * not a plain or backquoted name), or {@code null} for any other statement.
     */
    static String droppedDatabase(String ddl) {
        String statement = withoutLeadingComments(ddl == null ? "" : ddl);
        if (!DROP_DATABASE_STATEMENT.matcher(statement).lookingAt()) {
            return null;
        }
        Matcher m = DROP_DATABASE.matcher(statement);
        if (!m.matches()) {
            return "";
        }
        return m.group(1) != null ? m.group(1).replace("``", "`") : m.group(2);
    }

    /** {@code ddl} without the comments a client may put before the statement ({@code /* ... *}{@code /}, -- and #). */
    static String withoutLeadingComments(String ddl) {
        int i = 0;
        while (true) {
            while (i < ddl.length() && Character.isWhitespace(ddl.charAt(i))) {
                i++;
            }
            if (ddl.startsWith("/*", i) && !ddl.startsWith("/*!", i)) {
                int end = ddl.indexOf("*/", i + 2);
                if (end < 0) {
                    return ddl.substring(i);
                }
                i = end + 2;
            } else if (ddl.startsWith("--", i) || ddl.startsWith("#", i)) {
                int end = ddl.indexOf('\n', i);
                if (end < 0) {
                    return "";
                }
                i = end + 1;
            } else {
                return ddl.substring(i);
            }
        }
    }

    private static ChangeEvent drop(SchemaChange change, String database, String table) {
        return new ChangeEvent(Operation.DROP, database, table, null, null, null, change.position(),
                change.commitTime(), change.position().gtid());
    }

    /** Learns a captured table (package-private for tests). */
    void learn(String database, String table) {
        known.put(key(database, table), new CapturedCatalog.TableRef(database, table));
    }

    private static String key(String database, String table) {
        return (database + '.' + table).toLowerCase(Locale.ROOT);
    }
}
