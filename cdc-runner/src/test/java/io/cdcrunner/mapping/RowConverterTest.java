package io.cdcrunner.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

import io.cdcrunner.processor.Row;
import io.cdcrunner.testkit.UnitTest;

@UnitTest
class RowConverterTest {

    private static final Schema TABLE = SchemaBuilder.struct().name("test.shop.orders.Value")
            .field("id", Schema.INT32_SCHEMA)
            .field("qty", SchemaBuilder.int32().optional().defaultValue(42).build())
            .field("note", Schema.OPTIONAL_STRING_SCHEMA)
            .build();

    @Test
    void aNullStoredInAColumnWithADefaultStaysNull() {
        // Struct.get would answer 42 here: the column's default, not what the row holds.
        Row row = new RowConverter(TABLE).convert(new Struct(TABLE).put("id", 1).put("qty", null));

        assertThat(row.get("qty")).isNull();
        assertThat(new RowConverter(TABLE).convert(new Struct(TABLE).put("id", 1).put("qty", 7)).get("qty")).isEqualTo(7);
    }

    @Test
    void columnsKeepTableOrder() {
        Row row = new RowConverter(TABLE).convert(new Struct(TABLE).put("id", 1).put("note", "n"));

        assertThat(new ArrayList<>(row.columns())).containsExactly("id", "qty", "note");
    }

    @Test
    void schemaCacheKeysBySchemaInstance() {
        SchemaCache<RowConverter> cache = new SchemaCache<>(RowConverter::new);
        Schema equalCopy = SchemaBuilder.struct().name("test.shop.orders.Value")
                .field("id", Schema.INT32_SCHEMA)
                .field("qty", SchemaBuilder.int32().optional().defaultValue(42).build())
                .field("note", Schema.OPTIONAL_STRING_SCHEMA)
                .build();

        RowConverter first = cache.get(TABLE);

        assertThat(equalCopy).isEqualTo(TABLE);
        assertThat(cache.get(TABLE)).isSameAs(first);
        assertThat(cache.get(equalCopy)).isNotSameAs(first);
        assertThat(cache.size()).isEqualTo(2);
    }
}
