package io.cdcrunner.mapping;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;

/**
 * Where the parts of a Debezium change envelope sit in one envelope schema, resolved once per schema so that
 * each record is read by field index instead of by name.
 *
 * @param transaction the {@code transaction} block, {@code null} when the schema has none
 */
record EnvelopeLayout(Field op, Field before, Field after, Field source, Field transaction, SourceLayout sourceLayout) {

    /** The layout of every value schema that is not a change envelope (heartbeats, schema changes, ...). */
    static final EnvelopeLayout NOT_A_ROW_CHANGE = new EnvelopeLayout(null, null, null, null, null, null);

    static EnvelopeLayout of(Schema schema) {
        if (schema.type() != Schema.Type.STRUCT) {
            return NOT_A_ROW_CHANGE;
        }
        Field op = schema.field("op");
        Field source = schema.field("source");
        Field before = schema.field("before");
        Field after = schema.field("after");
        if (op == null || source == null || before == null || after == null
                || source.schema().type() != Schema.Type.STRUCT) {
            return NOT_A_ROW_CHANGE;
        }
        return new EnvelopeLayout(op, before, after, source, schema.field("transaction"),
                SourceLayout.of(source.schema()));
    }

    /** The fields of the binlog connectors' {@code source} block that a {@link io.cdcrunner.processor.SourcePosition} needs. */
    record SourceLayout(Field connector, Field db, Field table, Field serverId, Field file, Field pos, Field row,
                        Field gtid, Field tsMs, Field snapshot) {

        static SourceLayout of(Schema source) {
            return new SourceLayout(required(source, "connector"), required(source, "db"), required(source, "table"),
                    required(source, "server_id"), required(source, "file"), required(source, "pos"),
                    required(source, "row"), required(source, "gtid"), required(source, "ts_ms"),
                    source.field("snapshot"));
        }

        private static Field required(Schema source, String name) {
            Field field = source.field(name);
            if (field == null) {
                throw new IllegalArgumentException("change record source block " + source.name() + " has no '" + name
                        + "' field: cdc-runner reads only the Debezium mysql and mariadb connectors");
            }
            return field;
        }
    }
}
