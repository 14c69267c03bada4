package io.cdcrunner.types;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Year;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * What a row's columns must come out as, read independently of the engine: a JDBC SELECT of the row, each column
 * through an expression that renders its stored value exactly, turned into the Java type {@code Row} documents for
 * the column's type (from {@code information_schema.columns}). This class is the type table, executable.
 */
final class JdbcExpectation {

    /** One column: its SQL type, the SELECT expression, and how the result becomes the documented Java value. */
    record Column(String name, String columnType, String expression, Function<Object, Object> toJava,
                  Class<?> javaType) {
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private JdbcExpectation() {
    }

    static List<Column> columns(Connection c, String database, String table) throws SQLException {
        boolean mySql = !c.getMetaData().getDatabaseProductVersion().contains("MariaDB");
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT column_name, data_type, column_type"
                + " FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
            s.setString(1, database);
            s.setString(2, table);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    columns.add(column(rs.getString(1), rs.getString(2).toLowerCase(Locale.ROOT),
                            rs.getString(3).toLowerCase(Locale.ROOT), mySql));
                }
            }
        }
        return columns;
    }

    /** The documented Java value of every column of the row {@code where} selects. */
    static Map<String, Object> expected(Connection c, String database, String table, List<Column> columns,
                                        String where) throws SQLException {
        StringBuilder select = new StringBuilder("SELECT ");
        for (int i = 0; i < columns.size(); i++) {
            select.append(i == 0 ? "" : ", ").append(columns.get(i).expression());
        }
        select.append(" FROM `").append(database).append("`.`").append(table).append("` WHERE ").append(where);
        Map<String, Object> values = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement(select.toString()); ResultSet rs = s.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("no row where " + where);
            }
            for (int i = 0; i < columns.size(); i++) {
                Object raw = rs.getObject(i + 1);
                values.put(columns.get(i).name(), raw == null ? null : columns.get(i).toJava().apply(raw));
            }
        }
        return values;
    }

    private static Column column(String name, String dataType, String columnType, boolean mySql) {
        String q = "`" + name + "`";
        // MySQL stores a geographic value (SRID 4326...) longitude first and writes it so to the binlog, while its
        // ST_AsWKB follows the reference system's axis order (latitude first for 4326) unless told otherwise.
        String wkb = mySql ? "ST_AsWKB(" + q + ", 'axis-order=long-lat')" : "ST_AsWKB(" + q + ")";
        boolean unsigned = columnType.contains("unsigned");
        return switch (dataType) {
            case "tinyint" -> integer(name, columnType, q, Short.class);
            case "smallint" -> integer(name, columnType, q, unsigned ? Integer.class : Short.class);
            case "mediumint" -> integer(name, columnType, q, Integer.class);
            case "int" -> integer(name, columnType, q, unsigned ? Long.class : Integer.class);
            case "bigint" -> integer(name, columnType, q, unsigned ? BigInteger.class : Long.class);
            case "decimal" -> new Column(name, columnType, q, v -> (BigDecimal) v, BigDecimal.class);
            // CAST AS DOUBLE widens the stored 4 bytes exactly; the text protocol would round a FLOAT to 6 digits.
            case "float" -> new Column(name, columnType, "CAST(" + q + " AS DOUBLE)",
                    v -> ((Number) v).floatValue(), Float.class);
            case "double" -> new Column(name, columnType, q, v -> ((Number) v).doubleValue(), Double.class);
            case "char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum" ->
                    new Column(name, columnType, "CAST(" + q + " AS CHAR)", v -> v.toString(), String.class);
            // Only MySQL reports "json" (MariaDB's JSON is LONGTEXT): a binary document, which the binlog carries
            // as such and the daemon delivers as compact text; the server's own rendering spaces it.
            case "json" -> new Column(name, columnType, "CAST(" + q + " AS CHAR)", v -> compactJson(v.toString()),
                    String.class);
            case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob" ->
                    new Column(name, columnType, q, v -> (byte[]) v, byte[].class);
            case "set" -> new Column(name, columnType, "CAST(" + q + " AS CHAR)",
                    v -> v.toString().isEmpty() ? java.util.Set.of() : new LinkedHashSet<>(Arrays.asList(v.toString().split(","))),
                    java.util.Set.class);
            case "date" -> new Column(name, columnType, "CAST(" + q + " AS CHAR)",
                    v -> LocalDate.parse(v.toString()), LocalDate.class);
            case "datetime" -> new Column(name, columnType, "CAST(" + q + " AS CHAR)",
                    v -> LocalDateTime.parse(v.toString().replace(' ', 'T')), LocalDateTime.class);
            case "timestamp" -> new Column(name, columnType, "UNIX_TIMESTAMP(" + q + ")",
                    v -> instant(new BigDecimal(v.toString())), Instant.class);
            case "time" -> new Column(name, columnType, "CAST(" + q + " AS CHAR)",
                    v -> duration(v.toString()), Duration.class);
            case "year" -> new Column(name, columnType, q + " + 0", v -> Year.of(((Number) v).intValue()), Year.class);
            case "bit" -> columnType.equals("bit(1)")
                    ? new Column(name, columnType, q + " + 0", v -> ((Number) v).longValue() == 1, Boolean.class)
                    : new Column(name, columnType, q + " + 0",
                            v -> BitSet.valueOf(new long[] {((Number) v).longValue()}), BitSet.class);
            case "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
                 "geometrycollection", "geomcollection" -> new Column(name, columnType, "CONCAT(ST_SRID(" + q + "), ':', HEX(" + wkb + "))",
                    v -> geometry(v.toString()), io.cdcrunner.processor.Geometry.class);
            case "inet4", "inet6" -> new Column(name, columnType, "CAST(" + q + " AS CHAR)", v -> (String) v, String.class);
            case "uuid" -> new Column(name, columnType, "CAST(" + q + " AS CHAR)",
                    v -> java.util.UUID.fromString(v.toString()), java.util.UUID.class);
            default -> throw new IllegalArgumentException("no documented mapping for " + columnType + " (" + name + ")");
        };
    }

    private static Column integer(String name, String columnType, String q, Class<?> type) {
        Function<Object, Object> convert = v -> {
            BigInteger value = new BigInteger(v.toString());
            if (type == Short.class) {
                return value.shortValueExact();
            } else if (type == Integer.class) {
                return value.intValueExact();
            } else if (type == Long.class) {
                return value.longValueExact();
            }
            return value;
        };
        return new Column(name, columnType, "CAST(" + q + " AS CHAR)", convert, type);
    }

    /** The JSON document {@code text} without insignificant whitespace. */
    static String compactJson(String text) {
        try {
            return JSON.readTree(text).toString();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + text, e);
        }
    }

    /** {@code srid:hex-wkb}, as the column's SQL expression writes a spatial value. */
    private static io.cdcrunner.processor.Geometry geometry(String sridAndWkb) {
        int colon = sridAndWkb.indexOf(':');
        return io.cdcrunner.processor.Geometry.of(Integer.parseInt(sridAndWkb.substring(0, colon)),
                java.util.HexFormat.of().parseHex(sridAndWkb.substring(colon + 1)));
    }

    private static Instant instant(BigDecimal epochSeconds) {
        BigDecimal seconds = epochSeconds.setScale(0, java.math.RoundingMode.FLOOR);
        long nanos = epochSeconds.subtract(seconds).movePointRight(9).longValueExact();
        return Instant.ofEpochSecond(seconds.longValueExact(), nanos);
    }

    /** A TIME rendered as {@code [-]H:MM:SS[.ffffff]}. */
    static Duration duration(String text) {
        boolean negative = text.startsWith("-");
        String[] parts = (negative ? text.substring(1) : text).split("[:.]");
        Duration d = Duration.ofHours(Long.parseLong(parts[0])).plusMinutes(Long.parseLong(parts[1]))
                .plusSeconds(Long.parseLong(parts[2]));
        if (parts.length > 3) {
            String micros = (parts[3] + "000000").substring(0, 6);
            d = d.plus(Long.parseLong(micros), ChronoUnit.MICROS);
        }
        return negative ? d.negated() : d;
    }
}
