package io.cdcrunner.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.cdcrunner.testkit.UnitTest;

@UnitTest
class TableSelectionTest {

    @Test
    void plainNamesAreLiteral() {
        assertThat(TableSelection.literal("shop.orders")).isEqualTo(new TableName("shop", "orders"));
        assertThat(TableSelection.literal("shop\\.orders")).isEqualTo(new TableName("shop", "orders"));
        assertThat(TableSelection.literal("my-db.order_lines")).isEqualTo(new TableName("my-db", "order_lines"));
    }

    @Test
    void anythingElseIsARegex() {
        assertThat(TableSelection.literal("shop\\.order_.*")).isNull();
        assertThat(TableSelection.literal("shop.(orders|lines)")).isNull();
        assertThat(TableSelection.literal("shop[0-9].orders")).isNull();
        assertThat(TableSelection.literal("orders")).isNull();
        assertThat(TableSelection.literal("a.b.c")).isNull();
    }
}
