package io.cdcrunner.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.source.SchemaChange;

/**
 * Turns the engine's schema changes into {@link Operation#DROP} table events for captured tables: one per table of a
 * {@code DROP TABLE}, and one per captured table of the database of a {@code DROP DATABASE}. The engine reports a
 * dropped database without its tables, so this class keeps the captured tables it knows of: those on the server when
 * the pipeline started, those the engine reports created, altered or renamed since, and those rows came from.
 * Statements of the engine's own schema snapshot (which begins with {@code DROP TABLE IF EXISTS} of every table) are
 * not table events.
 *
 * <p>Used on the engine's thread only.
 */
public final class TableEvents {

    private static final Pattern DROP_DATABASE = Pattern.compile(
            "\\s*DROP\\s+(?:DATABASE|SCHEMA)\\s+(?:IF\\s+EXISTS\\s+)?(?:`((?:[^`]|``)+)`|([A-Za-z0-9_$]+))\\s*;?\\s*",
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

    /** Learns a table a row change came from. */
    public void sawRowsOf(String database, String table) {
        if (!known.containsKey(key(database, table))) {
            learn(database, table);
        }
    }

    /** The table events of a schema change, in statement order; empty when it drops no captured table. */
    public List<ChangeEvent> of(SchemaChange change) {
        List<ChangeEvent> drops = new ArrayList<>();
        if (change.tables().isEmpty()) {
            String dropped = droppedDatabase(change.ddl());
            if (dropped != null && !change.position().snapshot()) {
                for (CapturedCatalog.TableRef table : List.copyOf(known.values())) {
                    if (table.database().equalsIgnoreCase(dropped)) {
                        known.remove(key(table.database(), table.table()));
                        drops.add(drop(change, table.database(), table.table()));
                    }
                }
            }
            return drops;
        }
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
                learn(table.database(), table.table());
            }
        }
        return drops;
    }

    /** The database a {@code DROP DATABASE} statement drops, or {@code null} for any other statement. */
    static String droppedDatabase(String ddl) {
        Matcher m = DROP_DATABASE.matcher(ddl == null ? "" : ddl);
        if (!m.matches()) {
            return null;
        }
        return m.group(1) != null ? m.group(1).replace("``", "`") : m.group(2);
    }

    private static ChangeEvent drop(SchemaChange change, String database, String table) {
        return new ChangeEvent(Operation.DROP, database, table, null, null, null, change.position(),
                change.commitTime(), change.position().gtid());
    }

    private void learn(String database, String table) {
        known.put(key(database, table), new CapturedCatalog.TableRef(database, table));
    }

    private static String key(String database, String table) {
        return (database + '.' + table).toLowerCase(Locale.ROOT);
    }
}
