package io.cdcrunner.processor.builtin;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import io.cdcrunner.processor.ProcessorConfig;

/**
 * What {@link FamilyAggregateProcessor} aggregates, read from its {@code processor.*} keys.
 *
 * <p>Every name is checked to hold only {@code [A-Za-z0-9_$]} and at most 64 characters: the names are
 * written into SQL text (identifiers cannot be bound as parameters), so this check is also what keeps a
 * configuration value from injecting SQL.
 *
 * @param database        database of the family table, or {@code null} for the data source's default database
 * @param table           the family table, e.g. {@code orders}
 * @param familyColumn    the column whose value names a row's family, e.g. {@code customer_id}
 * @param valueColumn     the numeric column summed, e.g. {@code amount}
 * @param idColumn        the integer column whose maximum is recorded, usually the primary key
 * @param summaryDatabase database of the summary table, or {@code null} for the family table's database
 * @param summaryTable    the summary table, one row per family
 */
public record FamilySettings(String database, String table, String familyColumn, String valueColumn,
                             String idColumn, String summaryDatabase, String summaryTable) {

    /** {@code family.table}: the table whose rows form families, {@code db.table} or {@code table}. Required. */
    public static final String TABLE = "family.table";
    /** {@code family.column}: the column holding the family key. Required. */
    public static final String COLUMN = "family.column";
    /** {@code family.value.column}: the numeric column aggregated. Required. */
    public static final String VALUE_COLUMN = "family.value.column";
    /** {@code family.id.column}: the integer column whose maximum is recorded. Default {@code id}. */
    public static final String ID_COLUMN = "family.id.column";
    /** {@code family.summary.table}: where summaries go. Default {@code <table>_family_summary}. */
    public static final String SUMMARY_TABLE = "family.summary.table";

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9_$]{1,64}");

    /** Checks the names; use {@link #from} to read them from a configuration. */
    public FamilySettings {
        List<String> problems = new ArrayList<>();
        checkIdentifier(problems, "database", database, true);
        checkIdentifier(problems, "table", table, false);
        checkIdentifier(problems, "family column", familyColumn, false);
        checkIdentifier(problems, "value column", valueColumn, false);
        checkIdentifier(problems, "id column", idColumn, false);
        checkIdentifier(problems, "summary database", summaryDatabase, true);
        checkIdentifier(problems, "summary table", summaryTable, false);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /**
     * Reads every {@code family.*} key (so none is reported as unknown) and reports all problems in one
     * exception, each naming the key and its value.
     *
     * @throws IllegalArgumentException when a required key is missing or a name is not a plain identifier
     */
    public static FamilySettings from(ProcessorConfig config) {
        List<String> problems = new ArrayList<>();
        String[] table = qualifiedName(problems, TABLE, config.find(TABLE), null);
        String family = identifier(problems, COLUMN, config.find(COLUMN), null);
        String value = identifier(problems, VALUE_COLUMN, config.find(VALUE_COLUMN), null);
        String id = identifier(problems, ID_COLUMN, config.find(ID_COLUMN), "id");
        Optional<String> summaryName = config.find(SUMMARY_TABLE);
        String[] summary = null;
        if (summaryName.isPresent()) {
            summary = qualifiedName(problems, SUMMARY_TABLE, summaryName, null);
        } else if (table != null) {
            String defaultName = table[1] + "_family_summary";
            if (defaultName.length() > 64) {
                problems.add("the default summary table name " + defaultName
                        + " is longer than 64 characters: set processor." + SUMMARY_TABLE);
            } else {
                summary = new String[] {null, defaultName};
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid family aggregate configuration: " + String.join("; ", problems));
        }
        return new FamilySettings(table[0], table[1], family, value, id, summary[0], summary[1]);
    }

    /** These settings with {@code database} filled in when it was left to the data source's default. */
    public FamilySettings withDefaultDatabase(String defaultDatabase) {
        String db = database != null ? database : defaultDatabase;
        return new FamilySettings(db, table, familyColumn, valueColumn, idColumn, summaryDatabase, summaryTable);
    }

    /** The database the summary table lives in: {@link #summaryDatabase} or else {@link #database}. */
    public String effectiveSummaryDatabase() {
        return summaryDatabase != null ? summaryDatabase : database;
    }

    private static String[] qualifiedName(List<String> problems, String key, Optional<String> value, String fallback) {
        String name = value.orElse(fallback);
        if (name == null) {
            problems.add("missing required key processor." + key + ": set it to db.table or table");
            return null;
        }
        String[] parts = name.split("\\.", -1);
        boolean valid = parts.length <= 2;
        for (String part : parts) {
            valid &= IDENTIFIER.matcher(part).matches();
        }
        if (!valid) {
            problems.add(invalid(key, name, "db.table or table"));
            return null;
        }
        return parts.length == 2 ? parts : new String[] {null, parts[0]};
    }

    private static String identifier(List<String> problems, String key, Optional<String> value, String fallback) {
        String name = value.orElse(fallback);
        if (name == null) {
            problems.add("missing required key processor." + key + ": set it to a column name");
            return null;
        }
        if (!IDENTIFIER.matcher(name).matches()) {
            problems.add(invalid(key, name, "a column name"));
            return null;
        }
        return name;
    }

    private static String invalid(String key, String value, String expected) {
        return "processor." + key + "=" + value + " is not " + expected
                + " made of letters, digits, _ and $ (at most 64 characters per name)";
    }

    private static void checkIdentifier(List<String> problems, String what, String name, boolean optional) {
        if (name == null ? !optional : !IDENTIFIER.matcher(name).matches()) {
            problems.add(what + " '" + name + "' is not a name made of letters, digits, _ and $ (1-64 characters)");
        }
    }
}
