package io.cdcrunner.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;

import io.debezium.connector.base.QueueProvider;
import io.debezium.connector.binlog.BinlogDatabaseSchema;
import io.debezium.connector.binlog.BinlogStreamingChangeEventSource;
import io.debezium.connector.binlog.charset.BinlogCharsetRegistry;
import io.debezium.connector.binlog.jdbc.BinlogConnectorConnection;
import io.debezium.connector.binlog.jdbc.BinlogFieldReader;
import io.debezium.connector.mariadb.MariaDbChangeEventSourceFactory;
import io.debezium.connector.mariadb.antlr.MariaDbAntlrDdlParser;
import io.debezium.connector.mysql.MySqlChangeEventSourceFactory;
import io.debezium.relational.Tables;
import io.debezium.relational.ddl.DdlParser;
import io.debezium.snapshot.SnapshotLockProvider;
import io.debezium.snapshot.SnapshotQueryProvider;
import io.cdcrunner.testkit.UnitTest;

/**
 * Every patch of Debezium's (and its binlog client's) internals, checked against the Debezium version on the class
 * path: each reflective handle is resolved through the patch's own code, so an upgrade that moves a field fails here
 * with the class, the field and the patch to revisit. The connector subclasses' overrides are checked by the compiler
 * ({@code @Override}); the plug-ins Debezium loads by name are checked by the database tests that run them.
 */
@UnitTest
class DebeziumPatchesTest {

    @TestFactory
    Stream<DynamicTest> everyFieldAPatchReachesIsWhereThePatchExpectsIt() {
        return Stream.of(
                handle("BinlogColumnTypes: the binlog client's column types by code", BinlogColumnTypes::indexByCode, Map.class),
                handle("MariaDbDdlParser: the schema's DDL parser", MariaDbDdlParser::schemaParser, DdlParser.class),
                handle("MariaDbDdlParser: the parser's skipComments",
                        () -> MariaDbDdlParser.parserSetting("skipComments", boolean.class), boolean.class),
                handle("MariaDbDdlParser: the parser's tableFilter",
                        () -> MariaDbDdlParser.parserSetting("tableFilter", Tables.TableFilter.class), Tables.TableFilter.class),
                handle("MariaDbDdlParser: the parser's charsetRegistry",
                        () -> MariaDbDdlParser.parserSetting("charsetRegistry", BinlogCharsetRegistry.class),
                        BinlogCharsetRegistry.class),
                handle("PromptPolling: the queue's storage", () -> PromptPolling.field("queue"), QueueProvider.class),
                handle("PromptPolling: the queue's lock", () -> PromptPolling.field("lock"), Lock.class),
                handle("PromptPolling: the queue's isNotFull", () -> PromptPolling.field("isNotFull"), Condition.class),
                handle("PromptPolling: the queue's isFull", () -> PromptPolling.field("isFull"), Condition.class),
                handle("PromptPolling: the MariaDB task's queue",
                        () -> PromptPolling.taskQueue(PromptMariaDbConnector.PromptTask.class), Object.class),
                handle("PromptPolling: the MySQL task's queue",
                        () -> PromptPolling.taskQueue(PromptMySqlConnector.PromptTask.class), Object.class),
                handle("ImpossibleDatesPatch: the coordinator's source factory", ImpossibleDatesPatch::sourceFactory, Object.class),
                handle("ImpossibleDatesPatch: the MariaDB factory's binlog reader",
                        () -> ImpossibleDatesPatch.binaryLogClient(MariaDbChangeEventSourceFactory.class), BinaryLogClient.class),
                handle("ImpossibleDatesPatch: the MySQL factory's binlog reader",
                        () -> ImpossibleDatesPatch.binaryLogClient(MySqlChangeEventSourceFactory.class), BinaryLogClient.class),
                handle("ImpossibleDatesPatch: the binlog reader's decoders", ImpossibleDatesPatch::eventDeserializer,
                        EventDeserializer.class),
                handle("ImpossibleDatesPatch: the row decoders' table maps", ImpossibleDatesPatch::tableMaps, Map.class),
                handle("ImpossibleDatesPatch: the MariaDB task's connection",
                        () -> ImpossibleDatesPatch.taskConnection(PromptMariaDbConnector.PromptTask.class),
                        BinlogConnectorConnection.class),
                handle("ImpossibleDatesPatch: the MySQL task's connection",
                        () -> ImpossibleDatesPatch.taskConnection(PromptMySqlConnector.PromptTask.class),
                        BinlogConnectorConnection.class),
                handle("ImpossibleDatesPatch: the connection's field reader", ImpossibleDatesPatch::fieldReader,
                        BinlogFieldReader.class));
    }

    @Test
    void theSchemaParserIsOneTheMariaDbPatchCanReplace() throws Exception {
        assertThat(MariaDbDdlParser.schemaParser().getType()).isAssignableFrom(MariaDbAntlrDdlParser.class);
        assertThat(MariaDbDdlParser.schemaParser().getDeclaringClass()).isEqualTo(BinlogDatabaseSchema.class);
    }

    @Test
    void theLogLinesTheSkippedStatementFilterReadsAreStillLogged() throws Exception {
        assertThat(Class.forName(SkippedStatementFilter.SCHEMA_LOGGER)).isEqualTo(BinlogDatabaseSchema.class);
        assertThat(Class.forName(SkippedStatementFilter.STREAMING_LOGGER)).isEqualTo(BinlogStreamingChangeEventSource.class);
        assertLogs(BinlogStreamingChangeEventSource.class, SkippedStatementFilter.ROWLESS_DML_FORMAT);
        assertLogs(SnapshotLockProvider.class, SkippedStatementFilter.GENERIC_SNAPSHOT_SPI);
        assertLogs(SnapshotQueryProvider.class, SkippedStatementFilter.GENERIC_SNAPSHOT_SPI);
        assertLogs(BinlogDatabaseSchema.class, "Ignoring unparseable DDL statement");
    }

    @Test
    void everyPlugInDebeziumAndConnectLoadByServiceNameIsInThisPackage() throws Exception {
        for (String service : new String[] {"io.debezium.spi.snapshot.Snapshotter",
                "org.apache.kafka.connect.source.SourceConnector"}) {
            try (InputStream in = getClass().getResourceAsStream("/META-INF/services/" + service)) {
                assertThat(in).as("META-INF/services/%s", service).isNotNull();
                for (String name : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip().split("\\s+")) {
                    assertThat(Class.forName(name).getPackageName()).as(name).isEqualTo(getClass().getPackageName());
                }
            }
        }
    }

    @Test
    void aMovedFieldNamesTheClassTheFieldAndThePatch() {
        assertThatThrownBy(() -> Reflect.field(BinlogDatabaseSchema.class, "noSuchField", MariaDbDdlParser.class))
                .isInstanceOf(NoSuchFieldException.class)
                .hasMessage("Debezium class io.debezium.connector.binlog.BinlogDatabaseSchema no longer has field noSuchField:"
                        + " patch MariaDbDdlParser must be revisited");
        assertThatThrownBy(() -> Reflect.field(BinaryLogClient.class, "noSuchField", ImpossibleDatesPatch.class))
                .hasMessageStartingWith("binlog client class com.github.shyiko.mysql.binlog.BinaryLogClient no longer has");
    }

    private interface Resolver {
        Field resolve() throws Reflect.Moved;
    }

    private static DynamicTest handle(String name, Resolver resolver, Class<?> expectedType) {
        return DynamicTest.dynamicTest(name, () -> {
            Field field;
            try {
                field = resolver.resolve();
            } catch (Reflect.Moved moved) {
                fail(moved.getMessage());
                return;
            }
            assertThat(expectedType.isAssignableFrom(field.getType()))
                    .as("%s.%s is a %s, the patch expects a %s: it must be revisited", field.getDeclaringClass().getName(),
                            field.getName(), field.getType().getName(), expectedType.getName())
                    .isTrue();
        });
    }

    /** The message format is a constant of the class that logs it: its class file holds the text. */
    private static void assertLogs(Class<?> type, String text) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            String classFile = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(classFile.contains(text))
                    .as("Debezium class %s no longer logs \"%s\": patch SkippedStatementFilter must be revisited",
                            type.getName(), text)
                    .isTrue();
        }
    }
}
