package io.cdcrunner.processor.builtin;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

/** Compares the summary table with a {@code GROUP BY} recomputation; see {@link FamilyAggregateProcessor#mismatches}. */
final class FamilySummaryCheck {

    private static final String[] FIELDS = {"row_count", "value_sum", "value_min", "value_max", "max_id"};

    private FamilySummaryCheck() {
    }

    static List<String> mismatches(DataSource dataSource, FamilySettings settings) throws SQLException {
        List<String> mismatches = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            FamilySql sql = FamilySql.inspect(connection, settings);
            try (Statement statement = connection.createStatement()) {
                try (ResultSet rs = statement.executeQuery(sql.recomputeAll())) {
                    while (rs.next()) {
                        compare(rs, mismatches);
                    }
                }
                try (ResultSet rs = statement.executeQuery(sql.orphanSummaries())) {
                    while (rs.next()) {
                        mismatches.add("family " + rs.getString(1) + ": summary says row_count " + rs.getLong(2)
                                + " but the family has no rows");
                    }
                }
            }
        }
        return mismatches;
    }

    /** Columns 1-6: the recomputed key and aggregates; 7-12: the summary row's, NULL when it has none. */
    private static void compare(ResultSet rs, List<String> mismatches) throws SQLException {
        String family = rs.getString(1);
        if (rs.getString(7) == null) {
            mismatches.add("family " + family + ": no summary row; recomputed " + describe(rs, 2));
            return;
        }
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < FIELDS.length; i++) {
            BigDecimal expected = rs.getBigDecimal(2 + i);
            BigDecimal actual = rs.getBigDecimal(8 + i);
            // compareTo, not equals: the summary's DECIMAL(65,30) has another scale than the recomputation.
            boolean same = expected == null ? actual == null : actual != null && expected.compareTo(actual) == 0;
            if (!same) {
                differences.add(FIELDS[i] + " " + plain(actual) + " (recomputed " + plain(expected) + ")");
            }
        }
        if (!differences.isEmpty()) {
            mismatches.add("family " + family + ": " + String.join(", ", differences));
        }
    }

    private static String describe(ResultSet rs, int first) throws SQLException {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < FIELDS.length; i++) {
            values.add(FIELDS[i] + " " + plain(rs.getBigDecimal(first + i)));
        }
        return String.join(", ", values);
    }

    private static String plain(BigDecimal value) {
        return value == null ? "NULL" : value.stripTrailingZeros().toPlainString();
    }
}
