package io.cdcrunner.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which statements drop a database, as the engine reports them (no tables named). */
class TableEventsParsingTest {

    @Test
    void everySpellingOfDropDatabaseNamesItsDatabase() {
        assertThat(TableEvents.droppedDatabase("DROP DATABASE shop")).isEqualTo("shop");
        assertThat(TableEvents.droppedDatabase("drop schema if exists `my shop`;")).isEqualTo("my shop");
        assertThat(TableEvents.droppedDatabase("DROP DATABASE `we``ird`")).isEqualTo("we`ird");
        assertThat(TableEvents.droppedDatabase("  DROP\nDATABASE IF EXISTS s$1 ")).isEqualTo("s$1");
    }

    @Test
    void otherStatementsDropNoDatabase() {
        assertThat(TableEvents.droppedDatabase("CREATE DATABASE shop")).isNull();
        assertThat(TableEvents.droppedDatabase("DROP TABLE shop.orders")).isNull();
        assertThat(TableEvents.droppedDatabase("ALTER DATABASE shop CHARACTER SET utf8mb4")).isNull();
        assertThat(TableEvents.droppedDatabase(null)).isNull();
    }
}
