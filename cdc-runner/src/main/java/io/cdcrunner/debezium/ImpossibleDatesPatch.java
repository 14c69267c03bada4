package io.cdcrunner.debezium;

import java.lang.reflect.Field;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

import org.slf4j.LoggerFactory;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.AbstractRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;

import io.debezium.config.CommonConnectorConfig;
import io.debezium.connector.binlog.BinlogConnectorConfig;
import io.debezium.connector.binlog.jdbc.BinlogConnectorConnection;
import io.debezium.connector.binlog.jdbc.BinlogFieldReader;
import io.debezium.pipeline.ChangeEventSourceCoordinator;
import io.debezium.relational.Column;
import io.debezium.relational.Table;
import io.debezium.relational.Tables;

/**
 * The patch that lets the engine read {@link ImpossibleDates}: its binlog reader's row decoders are replaced by
 * {@link ImpossibleDateRows}' (after the reader connects, before it reads an event), and its snapshot connection's
 * field reader by {@link SnapshotReader}. The same decoders refuse a captured table's incomplete row images, and a
 * decoder of partial JSON updates, which the engine has none of, refuses those ({@link IncompleteRowImage}). An engine whose internals moved is left as it is, with a WARN.
 */
final class ImpossibleDatesPatch {

    private ImpossibleDatesPatch() {
    }

    /** What the decoders need to know of a connector's configuration. */
    static Capture capture(io.debezium.connector.binlog.BinlogConnectorConfig config) {
        return new Capture(config.getTableFilters().dataCollectionFilter(), config.getSkippedOperations());
    }

    /**
     * After the binlog reader connects (before it reads an event), replaces the engine's row-event decoders by ones that
     * know impossible dates. A reader that cannot be reached (another Debezium version) is left as it is, with a WARN.
     */
    static void install(ChangeEventSourceCoordinator<?, ?> coordinator, Capture captured) {
        try {
            Object factory = sourceFactory().get(coordinator);
            BinaryLogClient client = (BinaryLogClient) binaryLogClient(factory.getClass()).get(factory);
            // The same reader's compressed transactions: each row event inside gets a position of its own.
            PayloadPositions.install(client);
            client.registerLifecycleListener(new BinaryLogClient.AbstractLifecycleListener() {
                @Override
                public void onConnect(BinaryLogClient connected) {
                    teach(connected, captured);
                }
            });
            if (client.isConnected()) {
                // Connected before the listener was registered: teach it now (each decoder is replaced whole); the
                // events it decoded before that used the engine's decoders.
                LoggerFactory.getLogger(ImpossibleDatesPatch.class).warn("the binlog reader connected before it could be"
                        + " taught impossible dates: until now such a date (sql_mode=ALLOW_INVALID_DATES) would have"
                        + " stopped the pipeline; from now on it does not");
                teach(client, captured);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            cannotTeach(e);
        }
    }

    /**
     * Before the engine snapshots anything, gives its main JDBC connection (the one a snapshot reads rows through:
     * {@code snapshot.max.threads} stays 1) a field reader that knows impossible dates. The driver would read
     * {@code '2020-02-30'} as {@code 2020-03-01} without a word.
     */
    static void installSnapshotReader(Object task, CommonConnectorConfig config) {
        try {
            Object connection = taskConnection(task.getClass()).get(task);
            if (connection == null) {
                throw new NoSuchFieldException(task.getClass().getName() + ".connection");
            }
            Field readerField = fieldReader();
            BinlogFieldReader reader = (BinlogFieldReader) readerField.get(connection);
            if (!(reader instanceof SnapshotReader)) {
                readerField.set(connection, new SnapshotReader((BinlogConnectorConfig) config, reader));
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LoggerFactory.getLogger(ImpossibleDatesPatch.class).warn("Cannot teach this engine's snapshot impossible dates"
                    + " ({}): a date such as 2020-02-31 written under sql_mode=ALLOW_INVALID_DATES in a captured table"
                    + " would be read by an initial snapshot as the next real date", e.toString());
        }
    }

    @SuppressWarnings("unchecked")
    private static void teach(BinaryLogClient client, Capture captured) {
        try {
            EventDeserializer events = (EventDeserializer) eventDeserializer().get(client);
            EventDataDeserializer<?> writes = events.getEventDataDeserializer(EventType.WRITE_ROWS);
            if (writes instanceof ImpossibleDateRows.Write) {
                return;
            }
            Map<Long, TableMapEventData> tables = (Map<Long, TableMapEventData>)
                    tableMaps().get(writes);
            ImpossibleDateRows.install(events, tables, captured);
        } catch (ReflectiveOperationException | RuntimeException e) {
            cannotTeach(e);
        }
    }

    private static void cannotTeach(Exception e) {
        LoggerFactory.getLogger(ImpossibleDatesPatch.class).warn("Cannot teach this binlog reader impossible dates ({}): a"
                + " date such as 2020-02-31 written under sql_mode=ALLOW_INVALID_DATES, in any table, will stop the"
                + " pipeline; and the row changes a session logs without all columns (binlog_row_image=MINIMAL or"
                + " NOBLOB, binlog_row_value_options=PARTIAL_JSON) are no longer refused: the engine passes partial"
                + " JSON updates over without a word", e.toString());
    }

    /** The coordinator's change event source factory, which holds the binlog reader. */
    static Field sourceFactory() throws Reflect.Moved {
        return Reflect.field(ChangeEventSourceCoordinator.class, "changeEventSourceFactory", ImpossibleDatesPatch.class);
    }

    /** The binlog reader of a connector's change event source factory. */
    static Field binaryLogClient(Class<?> factoryClass) throws Reflect.Moved {
        return Reflect.field(factoryClass, "binaryLogClient", ImpossibleDatesPatch.class);
    }

    /** The binlog reader's event decoders. */
    static Field eventDeserializer() throws Reflect.Moved {
        return Reflect.field(BinaryLogClient.class, "eventDeserializer", ImpossibleDatesPatch.class);
    }

    /** The table maps the engine's row decoders share, which the replacements are built with. */
    static Field tableMaps() throws Reflect.Moved {
        return Reflect.field(AbstractRowsEventDataDeserializer.class, "tableMapEventByTableId", ImpossibleDatesPatch.class);
    }

    /** The task's main JDBC connection, the one an initial snapshot reads rows through. */
    static Field taskConnection(Class<?> taskClass) throws Reflect.Moved {
        return Reflect.inherited(taskClass, "connection", BinlogConnectorConnection.class, ImpossibleDatesPatch.class);
    }

    /** The connection's field reader, which the patch wraps. */
    static Field fieldReader() throws Reflect.Moved {
        return Reflect.field(BinlogConnectorConnection.class, "fieldReader", ImpossibleDatesPatch.class);
    }

    /** Debezium's field reader for snapshot rows, with impossible dates read as their markers. */
    static final class SnapshotReader extends BinlogFieldReader {

        private final BinlogFieldReader debezium;

        SnapshotReader(BinlogConnectorConfig config, BinlogFieldReader debezium) {
            super(config);
            this.debezium = debezium;
        }

        @Override
        public Object readField(ResultSet rs, int columnIndex, Column column, Table table) throws SQLException {
            if ("DATE".equalsIgnoreCase(column.typeName()) || "DATETIME".equalsIgnoreCase(column.typeName())) {
                String text = rs.getString(columnIndex);
                Object marker = text == null ? null : ImpossibleDates.markerOf(text);
                if (marker != null) {
                    return marker;
                }
            }
            return debezium.readField(rs, columnIndex, column, table);
        }

        // readField above hands every column to Debezium's reader: these are never called.
        @Override
        protected Object readTimeField(ResultSet rs, int columnIndex, Column column, Table table) {
            throw new UnsupportedOperationException();
        }

        @Override
        protected Object readDateField(ResultSet rs, int columnIndex, Column column, Table table) {
            throw new UnsupportedOperationException();
        }

        @Override
        protected Object readTimestampField(ResultSet rs, int columnIndex, Column column, Table table) {
            throw new UnsupportedOperationException();
        }

        @Override
        protected String getCharacterSet(Column column) {
            throw new UnsupportedOperationException();
        }
    }
}
