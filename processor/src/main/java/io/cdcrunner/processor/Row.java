package io.cdcrunner.processor;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An immutable row image: column name to typed Java value, in table column order.
 *
 * <p>Column values map from MySQL/MariaDB types as follows (a SQL {@code NULL} is a Java {@code null}
 * for every type, also in a column that has a {@code DEFAULT}); {@link ValueType} lists the Java types, one
 * constant each, for code that must handle every value:
 * <table>
 *   <caption>Column type mapping</caption>
 *   <tr><th>SQL type</th><th>Java type</th></tr>
 *   <tr><td>TINYINT, TINYINT UNSIGNED, SMALLINT</td><td>{@link Short}; TINYINT(1) too (it is a number here, not
 *       a boolean: it can hold -128..127)</td></tr>
 *   <tr><td>MEDIUMINT, INT, SMALLINT/MEDIUMINT UNSIGNED</td><td>{@link Integer}</td></tr>
 *   <tr><td>BIGINT, INT UNSIGNED</td><td>{@link Long}</td></tr>
 *   <tr><td>BIGINT UNSIGNED, SERIAL</td><td>{@link BigInteger} (exact up to 18446744073709551615)</td></tr>
 *   <tr><td>DECIMAL/NUMERIC</td><td>{@link BigDecimal}, exact, with the column's scale</td></tr>
 *   <tr><td>FLOAT, FLOAT(M,D)</td><td>{@link Float}, the stored 4-byte value. Rows read by an initial snapshot
 *       come from a SELECT, for which MariaDB renders a FLOAT with 6 significant digits (16777216 reads as
 *       16777200): such rows hold that rounded value</td></tr>
 *   <tr><td>DOUBLE, FLOAT(p) with p &gt; 24 (a DOUBLE column)</td><td>{@link Double}</td></tr>
 *   <tr><td>CHAR, VARCHAR, TEXT (any charset, utf8mb4 included)</td><td>{@link String}; CHAR without trailing
 *       spaces, as the server returns it</td></tr>
 *   <tr><td>BINARY(n), VARBINARY, BLOB</td><td>{@code byte[]} (a fresh copy on every read); BINARY(n) padded to n
 *       bytes with 0x00, as stored</td></tr>
 *   <tr><td>DATE</td><td>{@link java.time.LocalDate}; years below 100 stay as stored (the server expands
 *       two-digit year literals when it writes them)</td></tr>
 *   <tr><td>TIME(n)</td><td>{@link java.time.Duration}, to the microsecond; negative and beyond 24 h as stored
 *       (TIME ranges over -838:59:59..838:59:59)</td></tr>
 *   <tr><td>DATETIME(n)</td><td>{@link java.time.LocalDateTime}: the wall-clock value as stored, no zone</td></tr>
 *   <tr><td>TIMESTAMP(n)</td><td>{@link java.time.Instant}: the absolute instant. The server reads a TIMESTAMP
 *       literal in the writing session's {@code time_zone} and stores UTC; the binlog carries that UTC value,
 *       so the Instant depends on neither the server's nor the daemon's time zone</td></tr>
 *   <tr><td>YEAR</td><td>{@link java.time.Year}; the zero year 0000 as {@code Year.of(0)}</td></tr>
 *   <tr><td>JSON</td><td>{@link String} holding the JSON document text: on MariaDB (where JSON is LONGTEXT) the
 *       text as written; on MySQL the server's normalized rendering</td></tr>
 *   <tr><td>ENUM</td><td>{@link String}, the member's label</td></tr>
 *   <tr><td>SET</td><td>unmodifiable {@link Set} of {@link String} labels, in definition order; empty for
 *       {@code ''}</td></tr>
 *   <tr><td>BIT(1)</td><td>{@link Boolean}</td></tr>
 *   <tr><td>BIT(n), n &gt; 1</td><td>{@link BitSet}, bit i is the value's bit i (b'1000000011' has bits 0, 1
 *       and 9; a fresh copy on every read)</td></tr>
 *   <tr><td>UUID (MariaDB)</td><td>{@link java.util.UUID}, as the server shows it</td></tr>
 *   <tr><td>INET4, INET6 (MariaDB)</td><td>{@link String}, the address as the server writes it
 *       ({@code 192.0.2.1}, {@code 2001:db8::1}, {@code ::ffff:192.0.2.1})</td></tr>
 *   <tr><td>GEOMETRY, POINT and the other spatial types</td><td>{@link Geometry}: the value's SRID and its WKB</td></tr>
 * </table>
 *
 * <p>Zero and partly-zero dates ({@code '0000-00-00'}, {@code '2020-00-15'}, {@code '2020-05-00'}: values no
 * calendar holds, which the server accepts unless {@code sql_mode} has {@code NO_ZERO_DATE}/{@code NO_ZERO_IN_DATE})
 * follow one rule in DATE, DATETIME and TIMESTAMP columns: {@code null} where the column is nullable, the type's
 * epoch where it is NOT NULL ({@code 1970-01-01}, {@code 1970-01-01T00:00}, {@link java.time.Instant#EPOCH}). In a
 * NOT NULL DATE or DATETIME column that epoch cannot be told from a real 1970-01-01; in a TIMESTAMP column it can
 * (real TIMESTAMPs start at 1970-01-01T00:00:01Z). The server itself stores a partly-zero TIMESTAMP as the zero one.
 *
 * <p>Type aliases map as the type the server resolves them to ({@code information_schema.columns.column_type}):
 * BOOL/BOOLEAN are TINYINT(1), INT1..INT8 and MIDDLEINT the integer of that width, INTEGER is INT, DEC/NUMERIC/FIXED
 * are DECIMAL, DOUBLE PRECISION/REAL/FLOAT8 are DOUBLE, FLOAT4 is FLOAT, CHARACTER/NATIONAL VARCHAR/NCHAR are
 * CHAR/VARCHAR, LONG and LONG VARCHAR are MEDIUMTEXT, LONG VARBINARY is MEDIUMBLOB, SERIAL is BIGINT UNSIGNED;
 * ZEROFILL changes no value. Generated (VIRTUAL or STORED) and INVISIBLE columns are delivered like the others.
 * A column of any other type (e.g. VECTOR) cannot be mapped: its changes follow {@code processor.on.failure} (a
 * dead letter, or a halt naming the column); exclude such columns in the source configuration.
 */
public final class Row {

    private static final Row EMPTY = new Row(Map.of());

    private final Map<String, Object> values;

    private Row(Map<String, Object> values) {
        this.values = values;
    }

    /** A row holding a copy of {@code values}, keeping their iteration order. Null values are allowed. */
    public static Row of(Map<String, ?> values) {
        if (values.isEmpty()) {
            return EMPTY;
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        values.forEach((column, value) -> copy.put(column, defensiveCopy(value)));
        return new Row(Collections.unmodifiableMap(copy));
    }

    /**
     * A row over {@code values} itself, without the copy {@link #of} makes: for code that builds a map of values for
     * this row alone, such as cdc-runner's mapping of change records, where a copy would double the memory of a large
     * BLOB. Neither the map nor the byte arrays and BitSets in it may be changed afterwards; readers still get copies
     * ({@link #get}). Use {@link #of} when in doubt.
     */
    public static Row adopt(LinkedHashMap<String, Object> values) {
        return values.isEmpty() ? EMPTY : new Row(Collections.unmodifiableMap(values));
    }

    public static Row empty() {
        return EMPTY;
    }

    /** Column names in table order. */
    public Set<String> columns() {
        return values.keySet();
    }

    public boolean has(String column) {
        return values.containsKey(column);
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /**
     * The column's value, {@code null} for SQL NULL.
     *
     * @throws NoSuchElementException if the row has no such column
     */
    public Object get(String column) {
        if (!values.containsKey(column)) {
            throw new NoSuchElementException("no column '" + column + "' in row; columns are " + values.keySet());
        }
        return defensiveCopy(values.get(column));
    }

    /** The column's value as {@code type}; {@code null} for SQL NULL. */
    public <T> T get(String column, Class<T> type) {
        Object value = get(column);
        if (value == null) {
            return null;
        }
        if (!type.isInstance(value)) {
            throw new ClassCastException("column '" + column + "' holds a " + value.getClass().getName()
                    + ", not a " + type.getName());
        }
        return type.cast(value);
    }

    public String getString(String column) {
        return get(column, String.class);
    }

    /** Any integral column (TINYINT..BIGINT UNSIGNED) as a long; fails if the value does not fit. */
    public Long getLong(String column) {
        Object value = get(column);
        if (value == null) {
            return null;
        }
        if (value instanceof BigInteger big) {
            return big.longValueExact();
        }
        if (value instanceof Short || value instanceof Integer || value instanceof Long || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        throw new ClassCastException("column '" + column + "' holds a " + value.getClass().getName() + ", not an integer");
    }

    /** Any numeric column as an exact BigDecimal (FLOAT/DOUBLE via their decimal string form). */
    public BigDecimal getDecimal(String column) {
        Object value = get(column);
        if (value == null) {
            return null;
        }
        if (value instanceof BigDecimal decimal) {
            return decimal;
        }
        if (value instanceof BigInteger big) {
            return new BigDecimal(big);
        }
        if (value instanceof Number number) {
            return new BigDecimal(number.toString());
        }
        throw new ClassCastException("column '" + column + "' holds a " + value.getClass().getName() + ", not a number");
    }

    /** An unmodifiable view of the row; byte[] and BitSet values in it are shared, do not modify them. */
    public Map<String, Object> asMap() {
        return values;
    }

    private static Object defensiveCopy(Object value) {
        if (value instanceof byte[] bytes) {
            return bytes.clone();
        }
        if (value instanceof BitSet bits) {
            return bits.clone();
        }
        return value;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof Row row)) {
            return false;
        }
        if (!values.keySet().equals(row.values.keySet())) {
            return false;
        }
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            Object mine = entry.getValue();
            Object theirs = row.values.get(entry.getKey());
            boolean same = mine instanceof byte[] a && theirs instanceof byte[] b
                    ? java.util.Arrays.equals(a, b)
                    : java.util.Objects.equals(mine, theirs);
            if (!same) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return values.keySet().hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
