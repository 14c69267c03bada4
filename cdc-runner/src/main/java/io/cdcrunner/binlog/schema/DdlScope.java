package io.cdcrunner.binlog.schema;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Decides which captured tables a DDL statement the engine could not parse may change. It reads names only
 * (see {@link DdlReferences}), so it may name a table the statement does not change, never the reverse for a
 * table that exists: a statement counts as outside the capture only when none of its names can mean a captured
 * table or database.
 */
public final class DdlScope {

    private final CaptureFilter filter;

    public DdlScope(CaptureFilter filter) {
        this.filter = filter;
    }

    /**
     * The captured tables (or {@code database x}) the statement may change; empty when it is outside the capture.
     *
     * @param defaultDatabase the statement's default database ({@code USE}), or null when unknown: then a
     *                        bare name counts if any captured table has it
     */
    public Set<String> capturedTargets(String statement, String defaultDatabase, CapturedCatalog catalog) {
        DdlReferences references = DdlReferences.of(statement);
        Set<String> targets = new LinkedHashSet<>();
        for (DdlReferences.QualifiedName name : references.qualified()) {
            if (filter.captures(name.first(), name.second())) {
                targets.add(name.first() + "." + name.second());
            }
        }
        for (String name : references.names()) {
            if (catalog.hasDatabase(name)) {
                targets.add("database " + name);
            }
            for (CapturedCatalog.TableRef table : catalog.tablesNamed(name)) {
                if (defaultDatabase == null || table.database().equalsIgnoreCase(defaultDatabase)) {
                    targets.add(table.toString());
                }
            }
            // A captured table the server no longer has (dropped or renamed since) still counts by its name.
            if (filter.listsTables()) {
                for (String database : defaultDatabase == null ? catalog.databases() : java.util.Set.of(defaultDatabase)) {
                    if (!database.isEmpty() && filter.captures(database, name)) {
                        targets.add(database + "." + name);
                    }
                }
            }
        }
        if (targets.isEmpty() && !filter.listsTables() && defaultDatabase != null && !defaultDatabase.isEmpty()
                && filter.capturesDatabase(defaultDatabase)) {
            // Every table of the database is captured, and a bare name may be one the server no longer has.
            targets.add("database " + defaultDatabase);
        }
        return targets;
    }
}
