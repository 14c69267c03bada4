package io.cdcrunner.deadletter;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Year;
import java.util.Base64;
import java.util.BitSet;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NumericNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.cdcrunner.processor.Geometry;
import io.cdcrunner.processor.ValueType;

/**
 * The type tag of a row value in {@link ChangeEventCodec}'s JSON, one per {@link ValueType} (the Java types a
 * {@link io.cdcrunner.processor.Row} value can have), with the exact encoding of that type: the list of types is
 * {@code ValueType}'s, this enum only names each in the stored form and encodes it. Floating-point
 * values are JSON strings ({@code "NaN"}, {@code "-0.0"}) and big numbers strings too, so no JSON reader can
 * round them.
 */
enum ValueTag {
    SHORT("short", ValueType.SHORT) {
        JsonNode encode(Object value) {
            return JsonNodeFactory.instance.numberNode((Short) value);
        }

        Object decode(JsonNode node) {
            long value = integral(node);
            if (value < Short.MIN_VALUE || value > Short.MAX_VALUE) {
                throw new IllegalArgumentException(value + " does not fit a short");
            }
            return (short) value;
        }
    },
    INT("int", ValueType.INT) {
        JsonNode encode(Object value) {
            return JsonNodeFactory.instance.numberNode((Integer) value);
        }

        Object decode(JsonNode node) {
            long value = integral(node);
            if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(value + " does not fit an int");
            }
            return (int) value;
        }
    },
    LONG("long", ValueType.LONG) {
        JsonNode encode(Object value) {
            return JsonNodeFactory.instance.numberNode((Long) value);
        }

        Object decode(JsonNode node) {
            return integral(node);
        }
    },
    BIG_INTEGER("biginteger", ValueType.BIG_INTEGER) {
        JsonNode encode(Object value) {
            return TextNode.valueOf(value.toString());
        }

        Object decode(JsonNode node) {
            return new BigInteger(text(node));
        }
    },
    DECIMAL("decimal", ValueType.DECIMAL) {
        JsonNode encode(Object value) {
            BigDecimal decimal = (BigDecimal) value;
            // Plain notation reads better and keeps a non-negative scale; toString() keeps a negative one.
            return TextNode.valueOf(decimal.scale() >= 0 ? decimal.toPlainString() : decimal.toString());
        }

        Object decode(JsonNode node) {
            return new BigDecimal(text(node));
        }
    },
    FLOAT("float", ValueType.FLOAT) {
        JsonNode encode(Object value) {
            return TextNode.valueOf(Float.toString((Float) value));
        }

        Object decode(JsonNode node) {
            return Float.parseFloat(text(node));
        }
    },
    DOUBLE("double", ValueType.DOUBLE) {
        JsonNode encode(Object value) {
            return TextNode.valueOf(Double.toString((Double) value));
        }

        Object decode(JsonNode node) {
            return Double.parseDouble(text(node));
        }
    },
    STRING("string", ValueType.STRING) {
        JsonNode encode(Object value) {
            return TextNode.valueOf((String) value);
        }

        Object decode(JsonNode node) {
            return text(node);
        }
    },
    BYTES("bytes", ValueType.BYTES) {
        JsonNode encode(Object value) {
            return TextNode.valueOf(Base64.getEncoder().encodeToString((byte[]) value));
        }

        Object decode(JsonNode node) {
            return Base64.getDecoder().decode(text(node));
        }
    },
    BOOLEAN("boolean", ValueType.BOOLEAN) {
        JsonNode encode(Object value) {
            return BooleanNode.valueOf((Boolean) value);
        }

        Object decode(JsonNode node) {
            if (!node.isBoolean()) {
                throw new IllegalArgumentException("expected true or false, found " + node.getNodeType());
            }
            return node.booleanValue();
        }
    },
    DATE("date", ValueType.DATE) {
        JsonNode encode(Object value) {
            return TextNode.valueOf(value.toString());
        }

        Object decode(JsonNode node) {
            return LocalDate.parse(text(node));
        }
    },
    TIME("time", ValueType.TIME) {
        JsonNode encode(Object value) {
            return TextNode.valueOf(value.toString());
        }

        Object decode(JsonNode node) {
            return Duration.parse(text(node));
        }
    },
    DATETIME("datetime", ValueType.DATETIME) {
        JsonNode encode(Object value) {
            return TextNode.valueOf(value.toString());
        }

        Object decode(JsonNode node) {
            return LocalDateTime.parse(text(node));
        }
    },
    TIMESTAMP("timestamp", ValueType.TIMESTAMP) {
        JsonNode encode(Object value) {
            return TextNode.valueOf(value.toString());
        }

        Object decode(JsonNode node) {
            return Instant.parse(text(node));
        }
    },
    YEAR("year", ValueType.YEAR) {
        JsonNode encode(Object value) {
            // A number: Year.parse rejects the zero year's "0" that Year.toString() gives.
            return JsonNodeFactory.instance.numberNode(((Year) value).getValue());
        }

        Object decode(JsonNode node) {
            return Year.of(Math.toIntExact(integral(node)));
        }
    },
    SET("set", ValueType.SET) {
        JsonNode encode(Object value) {
            ArrayNode labels = JsonNodeFactory.instance.arrayNode();
            for (Object label : (Set<?>) value) {
                labels.add((String) label);
            }
            return labels;
        }

        Object decode(JsonNode node) {
            if (!node.isArray()) {
                throw new IllegalArgumentException("expected an array of labels, found " + node.getNodeType());
            }
            Set<String> labels = new LinkedHashSet<>();
            node.forEach(label -> labels.add(text(label)));
            return Collections.unmodifiableSet(labels);
        }
    },
    UUID("uuid", ValueType.UUID) {
        JsonNode encode(Object value) {
            return TextNode.valueOf(value.toString());
        }

        Object decode(JsonNode node) {
            return java.util.UUID.fromString(text(node));
        }
    },
    GEOMETRY("geometry", ValueType.GEOMETRY) {
        JsonNode encode(Object value) {
            Geometry geometry = (Geometry) value;
            return JsonNodeFactory.instance.objectNode().put("srid", geometry.srid())
                    .put("wkb", Base64.getEncoder().encodeToString(geometry.wkb()));
        }

        Object decode(JsonNode node) {
            if (!node.isObject() || !node.path("srid").canConvertToInt()) {
                throw new IllegalArgumentException("expected an object with srid and wkb, found " + node);
            }
            return Geometry.of(node.get("srid").intValue(), Base64.getDecoder().decode(text(node.path("wkb"))));
        }
    },
    BITS("bits", ValueType.BITS) {
        JsonNode encode(Object value) {
            BitSet bits = (BitSet) value;
            if (bits.isEmpty()) {
                return TextNode.valueOf("0");
            }
            StringBuilder text = new StringBuilder(bits.length());
            for (int i = bits.length() - 1; i >= 0; i--) {
                text.append(bits.get(i) ? '1' : '0');
            }
            return TextNode.valueOf(text.toString());
        }

        Object decode(JsonNode node) {
            String text = text(node);
            BitSet bits = new BitSet(text.length());
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(text.length() - 1 - i);
                if (c == '1') {
                    bits.set(i);
                } else if (c != '0') {
                    throw new IllegalArgumentException("expected a string of 0s and 1s");
                }
            }
            return bits;
        }
    };

    private static final Map<ValueType, ValueTag> BY_TYPE = new EnumMap<>(ValueType.class);

    static {
        for (ValueTag tag : values()) {
            if (BY_TYPE.put(tag.type, tag) != null) {
                throw new IllegalStateException("two tags for value type " + tag.type);
            }
        }
        // Checked when the class loads, so the codec's tests fail at once rather than a dead letter at run time.
        for (ValueType type : ValueType.values()) {
            if (!BY_TYPE.containsKey(type)) {
                throw new IllegalStateException("value type " + type + " has no tag: give it one in ValueTag");
            }
        }
    }

    private final String tag;
    private final ValueType type;

    ValueTag(String tag, ValueType type) {
        this.tag = tag;
        this.type = type;
    }

    /** The name of the tag in JSON. */
    String tag() {
        return tag;
    }

    abstract JsonNode encode(Object value);

    /** @throws IllegalArgumentException (or a parse exception) when {@code node} is not a value of this type */
    abstract Object decode(JsonNode node);

    /** The value type this tag stores. */
    ValueType type() {
        return type;
    }

    /**
     * The tag for a non-null value's type.
     *
     * @throws IllegalArgumentException if the value is of no {@link ValueType}
     */
    static ValueTag of(Object value) {
        return BY_TYPE.get(ValueType.of(value));
    }

    /** The tag named {@code tag} in JSON. */
    static ValueTag named(String tag) {
        for (ValueTag candidate : values()) {
            if (candidate.tag.equals(tag)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("unknown value type '" + tag + "'");
    }

    private static long integral(JsonNode node) {
        if (!(node instanceof NumericNode) || !node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new IllegalArgumentException("expected an integer in the range of a long, found " + node.getNodeType());
        }
        return node.longValue();
    }

    private static String text(JsonNode node) {
        if (!node.isTextual()) {
            throw new IllegalArgumentException("expected a string, found " + node.getNodeType());
        }
        return node.textValue();
    }
}
