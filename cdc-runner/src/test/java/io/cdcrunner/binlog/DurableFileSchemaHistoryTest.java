package io.cdcrunner.binlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.debezium.config.Configuration;
import io.debezium.connector.mysql.antlr.MySqlAntlrDdlParser;
import io.debezium.relational.TableId;
import io.debezium.relational.Tables;
import io.debezium.relational.history.HistoryRecordComparator;
import io.debezium.relational.history.SchemaHistoryException;
import io.debezium.relational.history.SchemaHistoryListener;

import io.cdcrunner.testkit.UnitTest;

/** The schema history file survives a kill at any moment: a record a crash cut short is dropped, not fatal. */
@UnitTest
class DurableFileSchemaHistoryTest {

    private static final Map<String, ?> SOURCE = Map.of("server", "p");
    /** Recovery applies every record (the positions are not what this test is about). */
    private static final HistoryRecordComparator EVERY_RECORD = new HistoryRecordComparator() {
        @Override
        protected boolean isPositionAtOrBefore(io.debezium.document.Document recorded,
                                               io.debezium.document.Document desired) {
            return true;
        }
    };

    @TempDir
    Path temp;

    @Test
    void aLastRecordCutShortByACrashIsDroppedAndLaterRecordsStartOnALineOfTheirOwn() throws Exception {
        Path file = temp.resolve("schema-history.jsonl");
        DurableFileSchemaHistory first = history(file);
        first.record(SOURCE, Map.of("file", "binlog.000001", "pos", 100L), "shop",
                "CREATE TABLE shop.orders (id INT PRIMARY KEY, amount DECIMAL(10,2))");
        first.record(SOURCE, Map.of("file", "binlog.000001", "pos", 200L), "shop",
                "ALTER TABLE shop.orders ADD COLUMN note VARCHAR(20)");
        // A third record whose write a SIGKILL cut in the middle.
        Files.writeString(file, "{\"source\":{\"server\":\"p\"},\"position\":{\"file\":\"binlog.000001\",\"pos",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        DurableFileSchemaHistory next = history(file);
        Tables tables = recover(next);
        assertThat(tables.forTable(new TableId("shop", null, "orders")).retrieveColumnNames())
                .containsExactly("id", "amount", "note");

        next.record(SOURCE, Map.of("file", "binlog.000001", "pos", 300L), "shop", "DROP TABLE shop.orders");
        assertThat(Files.readAllLines(file)).hasSize(3).allSatisfy(line -> assertThat(line).startsWith("{").endsWith("}"));
        assertThat(recover(history(file)).forTable(new TableId("shop", null, "orders"))).isNull();
    }

    @Test
    void anUnreadableLineInTheMiddleNamesTheFileAndHowToRecover() throws Exception {
        Path file = temp.resolve("schema-history.jsonl");
        history(file).record(SOURCE, Map.of("file", "binlog.000001", "pos", 100L), "shop",
                "CREATE TABLE shop.orders (id INT PRIMARY KEY)");
        Files.writeString(file, "edited by hand\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        history(file).record(SOURCE, Map.of("file", "binlog.000001", "pos", 200L), "shop",
                "CREATE TABLE shop.items (id INT PRIMARY KEY)");

        assertThatThrownBy(() -> recover(history(file))).isInstanceOf(SchemaHistoryException.class)
                .hasMessageContaining("line 2 of the schema history " + file).hasMessageContaining("mv " + file);
    }

    private static DurableFileSchemaHistory history(Path file) {
        DurableFileSchemaHistory history = new DurableFileSchemaHistory();
        history.configure(Configuration.create().with(DurableFileSchemaHistory.FILE_PROPERTY, file.toString())
                .with("schema.history.internal.name", "test").build(), EVERY_RECORD,
                SchemaHistoryListener.NOOP, true);
        history.start();
        history.initializeStorage();
        return history;
    }

    private static Tables recover(DurableFileSchemaHistory history) throws InterruptedException {
        Tables tables = new Tables();
        history.recover(Map.of(SOURCE, Map.of("file", "binlog.000009", "pos", 4L)), tables, new MySqlAntlrDdlParser());
        return tables;
    }
}
