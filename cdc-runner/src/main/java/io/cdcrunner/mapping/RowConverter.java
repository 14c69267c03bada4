package io.cdcrunner.mapping;

import java.util.LinkedHashMap;
import java.util.List;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import io.cdcrunner.processor.Row;
import io.cdcrunner.mapping.ValueConverters.ValueConverter;

/** Turns row structs of one Connect schema (a table's key or value) into {@link Row}s. Immutable, thread-safe. */
final class RowConverter {

    private final Field[] fields;
    private final String[] names;
    private final ValueConverter[] converters;
    private final boolean[] hasDefault;

    RowConverter(Schema schema) {
        List<Field> schemaFields = schema.fields();
        int count = schemaFields.size();
        fields = schemaFields.toArray(new Field[0]);
        names = new String[count];
        converters = new ValueConverter[count];
        hasDefault = new boolean[count];
        for (int i = 0; i < count; i++) {
            Field field = fields[i];
            names[i] = field.name();
            converters[i] = ValueConverters.forField(field);
            hasDefault[i] = field.schema().defaultValue() != null;
        }
    }

    Row convert(Struct struct) {
        LinkedHashMap<String, Object> values = new LinkedHashMap<>(fields.length * 4 / 3 + 1);
        for (int i = 0; i < fields.length; i++) {
            // Struct.get(Field) substitutes the column default for a null: a NULL stored in a column with a
            // DEFAULT would come out as that default. Only such columns pay for the by-name lookup.
            Object raw = hasDefault[i] ? struct.getWithoutDefault(names[i]) : struct.get(fields[i]);
            values.put(names[i], raw == null ? null : convert(i, raw));
        }
        // The values are this row's alone; a BLOB's bytes stay shared with the record (nobody writes either): a copy
        // would double a large row's memory for as long as its batch is in flight.
        return Row.adopt(values);
    }

    private Object convert(int column, Object raw) {
        try {
            return converters[column].convert(raw);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot convert column '" + names[column] + "' ("
                    + fields[column].schema().type() + " " + fields[column].schema().name() + "): " + e.getMessage(), e);
        }
    }
}
