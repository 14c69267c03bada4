package io.cdcrunner.processor;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Year;
import java.util.BitSet;
import java.util.Objects;
import java.util.Set;

/**
 * The Java types a {@link Row} value can have, one constant per type; {@link Row}'s table says which column types
 * map to each. SQL NULL is Java {@code null} and has no constant.
 *
 * <p>Code that must handle every value (the built-in JSON writer, the dead-letter codec) switches over these
 * constants without a {@code default} branch, in a switch expression: the compiler then rejects it until a type
 * added here is handled, instead of a row holding the new type failing at run time.
 */
public enum ValueType {
    /** TINYINT (also TINYINT(1)), TINYINT UNSIGNED, SMALLINT. */
    SHORT(Short.class),
    /** SMALLINT UNSIGNED, MEDIUMINT (signed or unsigned), INT. */
    INT(Integer.class),
    /** INT UNSIGNED, BIGINT. */
    LONG(Long.class),
    /** BIGINT UNSIGNED, SERIAL. */
    BIG_INTEGER(BigInteger.class),
    /** DECIMAL, with the column's scale. */
    DECIMAL(BigDecimal.class),
    /** FLOAT. */
    FLOAT(Float.class),
    /** DOUBLE. */
    DOUBLE(Double.class),
    /** CHAR, VARCHAR, TEXT, JSON (the document's text), ENUM (the label), INET4 and INET6 (the address). */
    STRING(String.class),
    /** BINARY, VARBINARY, BLOB. */
    BYTES(byte[].class),
    /** BIT(1). */
    BOOLEAN(Boolean.class),
    /** DATE. */
    DATE(LocalDate.class),
    /** TIME, negative and beyond 24 hours as stored. */
    TIME(Duration.class),
    /** DATETIME, the wall clock as stored. */
    DATETIME(LocalDateTime.class),
    /** TIMESTAMP. */
    TIMESTAMP(Instant.class),
    /** YEAR; the zero year is {@code Year.of(0)}. */
    YEAR(Year.class),
    /** SET: an unmodifiable {@code Set<String>} of labels in definition order. */
    SET(Set.class),
    /** UUID (MariaDB). */
    UUID(java.util.UUID.class),
    /** GEOMETRY, POINT and the other spatial types. */
    GEOMETRY(Geometry.class),
    /** BIT(n), n &gt; 1. */
    BITS(BitSet.class);

    private final Class<?> javaType;

    ValueType(Class<?> javaType) {
        this.javaType = javaType;
    }

    /** The Java type of this constant's values ({@code Set} for any set of labels). */
    public Class<?> javaType() {
        return javaType;
    }

    /**
     * The type of a non-null row value.
     *
     * @throws IllegalArgumentException if the value is of none of these types (no row the daemon delivers holds one)
     */
    public static ValueType of(Object value) {
        Objects.requireNonNull(value, "value: SQL NULL has no value type");
        for (ValueType type : values()) {
            if (type.javaType.isInstance(value)) {
                return type;
            }
        }
        throw new IllegalArgumentException("a row value of type " + value.getClass().getName()
                + " is none of the types a Row holds (io.cdcrunner.processor.ValueType)");
    }
}
