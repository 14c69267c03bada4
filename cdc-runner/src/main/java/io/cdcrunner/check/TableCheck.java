package io.cdcrunner.check;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Each included table exists; one without a primary key is captured too, but warned about: its events carry an
 * empty key, are ordered per table (one lane keeps them in commit order), and identical rows read by a snapshot
 * share an event id.
 */
final class TableCheck {

    static final String NAME = "tables";
    private static final int LISTED = 5;
    private static final String KEYLESS = "its changes are delivered with an empty key() and processed in commit"
            + " order one at a time per table (unless processor.ordering.column groups them), and identical rows"
            + " read by an initial snapshot count as one event for a transactional processor";

    private TableCheck() {
    }

    static List<CheckResult> run(TableSelection selection, String user) {
        List<CheckResult> results = new ArrayList<>();
        if (selection.entries().isEmpty()) {
            results.add(CheckResult.warn(NAME, "no tables configured: nothing to check",
                    "list the tables to capture as db.table entries"));
        }
        for (TableSelection.Entry entry : selection.entries()) {
            results.add(entry.literal() != null ? literal(entry, selection, user) : regex(entry, selection, user));
        }
        return results;
    }

    private static CheckResult literal(TableSelection.Entry entry, TableSelection selection, String user) {
        String name = "table " + entry.literal();
        if (entry.matches().isEmpty()) {
            return CheckResult.fail(name, "does not exist (or user '" + user + "' cannot see it)",
                    "create " + entry.literal() + " or correct the name in the include list; if it exists, grant "
                            + "the user SELECT on it (information_schema hides tables a user has no privilege on)");
        }
        List<TableName> withoutKey = withoutPrimaryKey(entry.matches(), selection);
        if (!withoutKey.isEmpty()) {
            return CheckResult.warn(name, "has no primary key: " + KEYLESS, addPrimaryKeys(withoutKey));
        }
        TableName table = entry.matches().get(0);
        return CheckResult.ok(name, "exists, primary key (" + String.join(", ", selection.primaryKey(table)) + ")");
    }

    private static CheckResult regex(TableSelection.Entry entry, TableSelection selection, String user) {
        String name = "tables " + entry.configured();
        if (entry.invalid() != null) {
            return CheckResult.fail(name, "not a valid regular expression: " + entry.invalid(),
                    "correct the include-list entry; it is a Java regular expression matched against db.table");
        }
        if (entry.matches().isEmpty()) {
            return CheckResult.fail(name, "no table matches (as seen by user '" + user + "')",
                    "correct the pattern (it must match the whole db.table name), create the tables, or grant the "
                            + "user SELECT on them");
        }
        List<TableName> withoutKey = withoutPrimaryKey(entry.matches(), selection);
        if (!withoutKey.isEmpty()) {
            return CheckResult.warn(name, "without a primary key: " + list(withoutKey) + " (" + withoutKey.size()
                    + " of " + entry.matches().size() + " matching tables): " + KEYLESS, addPrimaryKeys(withoutKey));
        }
        return CheckResult.ok(name, entry.matches().size() + " tables match, all with a primary key: "
                + list(entry.matches()));
    }

    private static List<TableName> withoutPrimaryKey(List<TableName> tables, TableSelection selection) {
        return tables.stream().filter(t -> selection.primaryKey(t).isEmpty()).toList();
    }

    private static String addPrimaryKeys(List<TableName> tables) {
        return "to process its rows in parallel, add a primary key: " + tables.stream().limit(LISTED)
                .map(t -> "ALTER TABLE " + t + " ADD PRIMARY KEY (...)").collect(Collectors.joining("; ")) + (tables.size() > LISTED ? "; and so on" : "");
    }

    private static String list(List<TableName> tables) {
        return tables.stream().limit(LISTED).map(TableName::toString).collect(Collectors.joining(", "))
                + (tables.size() > LISTED ? ", ... (" + tables.size() + " in all)" : "");
    }
}
