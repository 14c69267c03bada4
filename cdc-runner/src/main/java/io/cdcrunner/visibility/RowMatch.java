package io.cdcrunner.visibility;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Year;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.Row;

/**
 * A {@code WHERE} condition that finds an event's row on the read server: by primary key, or — for a table
 * without one — by the row's column values. Only values that compare exactly in SQL are used: integers,
 * DECIMAL, strings, binary strings, DATE, DATETIME, YEAR and BIT(1). FLOAT/DOUBLE (rounding), TIMESTAMP
 * (session time zone), TIME, SET and BIT(n) values are left out of a full-row match, and a key made of them
 * cannot be matched. On MySQL a JSON column compares as JSON, not as text: an update that changed only JSON
 * columns is not recognized, and its confirmation by {@code row-poll} times out (use GTIDs there).
 *
 * @param columns the columns and the values to find, in order
 */
record RowMatch(Map<String, Object> columns) {

    RowMatch {
        columns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    }

    /** Finds the row by its primary key, or {@code null} when the key is empty or holds an unmatchable value. */
    static RowMatch byKey(Row key) {
        if (key.isEmpty() || !key.columns().stream().allMatch(c -> matchable(key.get(c)))) {
            return null;
        }
        return new RowMatch(key.asMap());
    }

    /**
     * Finds the row the event leaves behind (insert, update) or removed (delete). An update matches the key
     * and the columns the update changed, so an older version of the row does not match. {@code null} when
     * nothing matchable is left.
     */
    static RowMatch forEvent(ChangeEvent event) {
        RowMatch key = byKey(event.key());
        Row row = event.row();
        Map<String, Object> columns = new LinkedHashMap<>();
        if (key != null) {
            columns.putAll(key.columns());
            if (event.operation() != Operation.UPDATE) {
                return key;
            }
            for (String column : row.columns()) {
                Object after = row.get(column);
                Object before = event.before().has(column) ? event.before().get(column) : null;
                if (!columns.containsKey(column) && matchable(after) && !sameValue(before, after)) {
                    columns.put(column, after);
                }
            }
            return new RowMatch(columns);
        }
        for (String column : row.columns()) {
            if (matchable(row.get(column))) {
                columns.put(column, row.get(column));
            }
        }
        return columns.isEmpty() ? null : new RowMatch(columns);
    }

    /** {@code `a` = ? AND `b` <=> ?}: {@code <=>} (null-safe) for NULL values, so a keyless row's NULLs match. */
    String condition() {
        List<String> parts = new ArrayList<>();
        columns.forEach((column, value) -> parts.add(quote(column) + (value == null ? " <=> ?" : " = ?")));
        return String.join(" AND ", parts);
    }

    /** Binds the values from parameter {@code first} on; returns the next free parameter index. */
    int bind(PreparedStatement statement, int first) throws SQLException {
        int index = first;
        for (Object value : columns.values()) {
            if (value == null) {
                statement.setNull(index++, Types.NULL);
            } else if (value instanceof BigInteger big) {
                statement.setBigDecimal(index++, new BigDecimal(big));
            } else if (value instanceof Year year) {
                statement.setInt(index++, year.getValue());
            } else {
                statement.setObject(index++, value);
            }
        }
        return index;
    }

    static String table(ChangeEvent event) {
        return quote(event.database()) + '.' + quote(event.table());
    }

    static String quote(String identifier) {
        return '`' + identifier.replace("`", "``") + '`';
    }

    private static boolean matchable(Object value) {
        return value == null || value instanceof Short || value instanceof Integer || value instanceof Long
                || value instanceof BigInteger || value instanceof BigDecimal || value instanceof String
                || value instanceof byte[] || value instanceof LocalDate || value instanceof LocalDateTime
                || value instanceof Year || value instanceof Boolean;
    }

    private static boolean sameValue(Object a, Object b) {
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return java.util.Arrays.equals(x, y);
        }
        return Objects.equals(a, b);
    }
}
