package io.cdcrunner.binlog.schema;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import io.cdcrunner.config.SourceSettings;

/**
 * Which tables the pipeline captures, with the engine's rules for {@code source.databases} and
 * {@code source.tables}: each entry is a regular expression matched, whole and ignoring case, against the
 * database name or {@code database.table}; an empty list selects everything. Immutable.
 */
public final class CaptureFilter {

    private static final List<String> SYSTEM_DATABASES =
            List.of("mysql", "sys", "performance_schema", "information_schema");

    private final List<Pattern> databases;
    private final List<Pattern> tables;

    public CaptureFilter(List<String> databases, List<String> tables) {
        this.databases = compile(databases);
        this.tables = compile(tables);
    }

    public static CaptureFilter of(SourceSettings source) {
        return new CaptureFilter(source.databases(), source.tables());
    }

    /** Whether changes to {@code database.table} are captured. */
    public boolean captures(String database, String table) {
        return capturesDatabase(database)
                && (tables.isEmpty() || matchesAny(tables, database + "." + table));
    }

    /** Whether the capture names tables ({@code source.tables}), not only databases. */
    public boolean listsTables() {
        return !tables.isEmpty();
    }

    /** Whether some table of {@code database} may be captured. */
    public boolean capturesDatabase(String database) {
        if (SYSTEM_DATABASES.contains(database.toLowerCase(Locale.ROOT))) {
            return false;
        }
        return databases.isEmpty() || matchesAny(databases, database);
    }

    private static boolean matchesAny(List<Pattern> patterns, String name) {
        for (Pattern pattern : patterns) {
            if (pattern.matcher(name).matches()) {
                return true;
            }
        }
        return false;
    }

    private static List<Pattern> compile(List<String> regexes) {
        return regexes.stream().map(r -> Pattern.compile(r.trim(), Pattern.CASE_INSENSITIVE)).toList();
    }
}
