package io.cdcrunner.deadletter;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads the members of a JSON object, failing with the member's path when one is missing or mistyped. */
final class Fields {

    private final JsonNode node;
    private final String path;

    Fields(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(path + ": expected an object");
        }
        this.node = node;
        this.path = path;
    }

    JsonNode node() {
        return node;
    }

    Fields object(String name) {
        return new Fields(node.get(name), path + "." + name);
    }

    JsonNode member(String name) {
        JsonNode value = node.get(name);
        if (value == null) {
            throw new IllegalArgumentException(path + "." + name + ": missing");
        }
        return value;
    }

    String text(String name) {
        String value = nullableText(name);
        if (value == null) {
            throw new IllegalArgumentException(path + "." + name + ": expected a string, found null");
        }
        return value;
    }

    String nullableText(String name) {
        JsonNode value = member(name);
        if (value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(path + "." + name + ": expected a string, found " + value.getNodeType());
        }
        return value.textValue();
    }

    long longValue(String name) {
        JsonNode value = member(name);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException(path + "." + name + ": expected an integer, found " + value.getNodeType());
        }
        return value.longValue();
    }

    int intValue(String name) {
        long value = longValue(name);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(path + "." + name + ": " + value + " is out of range");
        }
        return (int) value;
    }

    boolean booleanValue(String name) {
        JsonNode value = member(name);
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(path + "." + name + ": expected true or false, found " + value.getNodeType());
        }
        return value.booleanValue();
    }

    Instant instant(String name) {
        try {
            return Instant.parse(text(name));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(path + "." + name + ": expected an ISO-8601 instant", e);
        }
    }

    <E extends Enum<E>> E enumValue(String name, Class<E> type) {
        String value = text(name);
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + "." + name + ": '" + value + "' is not a "
                    + type.getSimpleName(), e);
        }
    }
}
