package io.cdcrunner.binlog.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.cdcrunner.testkit.UnitTest;

/** Which statements drop a database, as the engine reports them (no tables named). */
@UnitTest
class TableEventsParsingTest {

    @Test
    void everySpellingOfDropDatabaseNamesItsDatabase() {
        assertThat(TableEvents.droppedDatabase("DROP DATABASE shop")).isEqualTo("shop");
        assertThat(TableEvents.droppedDatabase("drop schema if exists `my shop`;")).isEqualTo("my shop");
        assertThat(TableEvents.droppedDatabase("DROP DATABASE `we``ird`")).isEqualTo("we`ird");
        assertThat(TableEvents.droppedDatabase("  DROP\nDATABASE IF EXISTS s$1 ")).isEqualTo("s$1");
        assertThat(TableEvents.droppedDatabase("/* app v2 */ -- cleanup\nDROP DATABASE shop")).isEqualTo("shop");
        assertThat(TableEvents.droppedDatabase("DROP DATABASE \"ansi\"")).isEqualTo("");
    }

    @Test
    void otherStatementsDropNoDatabase() {
        assertThat(TableEvents.droppedDatabase("CREATE DATABASE shop")).isNull();
        assertThat(TableEvents.droppedDatabase("DROP TABLE shop.orders")).isNull();
        assertThat(TableEvents.droppedDatabase("ALTER DATABASE shop CHARACTER SET utf8mb4")).isNull();
        assertThat(TableEvents.droppedDatabase(null)).isNull();
    }

    private static final CaptureFilter SHOP = new CaptureFilter(java.util.List.of("shop"), java.util.List.of());
    private static final io.cdcrunner.processor.SourcePosition AT = new io.cdcrunner.processor.SourcePosition(
            io.cdcrunner.processor.ServerFlavor.MARIADB, 1, "binlog.000002", 4711, 0, "0-1-9");

    private static io.cdcrunner.mapping.SchemaChange change(String ddl, String type, String table) {
        return new io.cdcrunner.mapping.SchemaChange(ddl, "shop", table == null ? java.util.List.of()
                : java.util.List.of(new io.cdcrunner.mapping.SchemaChange.TableChange(type, "shop", table)), AT, null);
    }

    @Test
    void partitionMaintenanceThatRemovesOrMovesRowsIsRecognised() {
        assertThat(TableEvents.rowsWithoutEvents("ALTER TABLE shop.orders TRUNCATE PARTITION p0")).isEqualTo("TRUNCATE PARTITION");
        assertThat(TableEvents.rowsWithoutEvents("alter table orders drop  partition p1, p2")).isEqualTo("DROP PARTITION");
        assertThat(TableEvents.rowsWithoutEvents("ALTER TABLE orders EXCHANGE PARTITION p1 WITH TABLE swap"))
                .isEqualTo("EXCHANGE PARTITION");
        assertThat(TableEvents.rowsWithoutEvents("ALTER TABLE orders CONVERT PARTITION p1 TO TABLE old")).isEqualTo("CONVERT PARTITION");
        assertThat(TableEvents.rowsWithoutEvents("ALTER TABLE orders CONVERT TABLE old TO PARTITION p1 VALUES LESS THAN (9)"))
                .isEqualTo("CONVERT TABLE");
        assertThat(TableEvents.rowsWithoutEvents("ALTER TABLE orders ADD PARTITION (PARTITION p9 VALUES LESS THAN (99))")).isNull();
        assertThat(TableEvents.rowsWithoutEvents("ALTER TABLE orders REORGANIZE PARTITION p2 INTO (PARTITION a VALUES LESS THAN (5))"))
                .isNull();
        assertThat(TableEvents.rowsWithoutEvents("ALTER TABLE orders ADD COLUMN drop_partition INT")).isNull();
        assertThat(TableEvents.rowsWithoutEvents("CREATE TABLE t (id INT) PARTITION BY HASH (id)")).isNull();
    }

    @Test
    void temporaryTablesAreNoTableEvents() {
        TableEvents events = new TableEvents(SHOP);
        assertThat(events.of(change("DROP /*!40005 TEMPORARY */ TABLE IF EXISTS `orders`", "DROP", "orders"))).isEmpty();
        assertThat(events.of(change("DROP TEMPORARY TABLE orders", "DROP", "orders"))).isEmpty();
        assertThat(events.of(change("DROP TABLE orders", "DROP", "orders"))).hasSize(1);
    }

    @Test
    void createOrReplaceOfACapturedTableDropsTheOldRows() {
        TableEvents events = new TableEvents(SHOP);
        assertThat(events.of(change("CREATE OR REPLACE TABLE orders (id INT PRIMARY KEY)", "CREATE", "orders")))
                .extracting(e -> e.operation() + " " + e.qualifiedTable()).containsExactly("DROP shop.orders");
        assertThat(events.of(change("CREATE TABLE lines (id INT PRIMARY KEY)", "CREATE", "lines"))).isEmpty();
        assertThat(events.of(change("/* migration 12 */ CREATE OR REPLACE TABLE lines (id INT)", "CREATE", "lines")))
                .extracting(e -> e.operation() + " " + e.qualifiedTable()).containsExactly("DROP shop.lines");
    }

    @Test
    void aDropDatabaseReachesTablesOnlyTheSchemaHistoryStillKnows(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        // The daemon resumes from before the DROP DATABASE: the tables are gone from the server, not from the history.
        java.nio.file.Path history = dir.resolve("schema-history.jsonl");
        java.nio.file.Files.writeString(history, """
                {"databaseName":"shop","ddl":"CREATE TABLE orders (id INT)","tableChanges":[{"type":"CREATE","id":"\\"shop\\".\\"orders\\""}]}
                {"databaseName":"other","ddl":"CREATE TABLE t (id INT)","tableChanges":[{"type":"CREATE","id":"\\"other\\".\\"t\\""}]}
                not json
                """);
        TableEvents events = new TableEvents(SHOP);
        events.learnHistory(java.nio.file.Files.readAllLines(history));
        assertThat(events.of(change("DROP DATABASE shop", null, null)))
                .extracting(e -> e.operation() + " " + e.qualifiedTable()).containsExactly("DROP shop.orders");
        assertThat(events.of(change("DROP DATABASE shop", null, null))).isEmpty();
    }

    @Test
    void aDropDatabaseSpelledInAnsiQuotesTakesTheEnginesName() {
        TableEvents events = new TableEvents(SHOP);
        events.learn("shop", "orders");
        // change() attributes the statement to shop, as the engine's parser does.
        assertThat(events.of(change("DROP DATABASE \"shop\"", null, null)))
                .extracting(e -> e.operation() + " " + e.qualifiedTable()).containsExactly("DROP shop.orders");
    }
}
