package io.cdcrunner.binlog;

import java.io.IOException;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.YearMonth;
import java.util.Map;

import org.slf4j.LoggerFactory;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.AbstractRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;

import io.debezium.config.CommonConnectorConfig;
import io.debezium.config.CommonConnectorConfig.EventProcessingFailureHandlingMode;
import io.debezium.connector.binlog.BinlogConnectorConfig;
import io.debezium.connector.binlog.event.RowDeserializers;
import io.debezium.connector.binlog.jdbc.BinlogConnectorConnection;
import io.debezium.connector.binlog.jdbc.BinlogFieldReader;
import io.debezium.pipeline.ChangeEventSourceCoordinator;
import io.debezium.relational.Column;
import io.debezium.relational.Table;

/**
 * Impossible dates such as {@code '2020-02-31'}, which a server stores in {@code DATE} and {@code DATETIME} columns
 * under {@code sql_mode=ALLOW_INVALID_DATES} (month 1-12 and day 1-31 are all it checks).
 *
 * <p>The engine's binlog reader decodes every row event on the server, captured table or not, and fails on such a
 * date ({@code LocalDate.of} throws): one row anywhere would stop the pipeline for good; and an initial snapshot reads
 * it through the JDBC driver as the next real date, without a word. {@link #install} and
 * {@link #installSnapshotReader} teach both to pass the date on as a <em>marker</em> instead, a date no server can hold (its year below
 * {@value #MARKER_YEAR}) from which the date as written is read back ({@link #written}). A row of a table outside the
 * capture is then dropped as any other; a captured row holding a marker cannot be mapped
 * ({@link ValueConverters}): it follows {@code processor.on.failure}, its error naming the column and the date, and
 * no processor ever sees a made-up value. Every other date decodes as Debezium's decoder does it (zero parts give
 * {@code null}); the stream cannot be read twice, so the three date layouts are decoded here.
 *
 * <p>Not covered: MySQL's compressed transactions ({@code binlog_transaction_compression=ON}), whose rows the
 * engine decodes with decoders of its own inside the transaction payload; such a date there still stops the
 * pipeline.
 */
final class ImpossibleDates {

    /** Markers lie below this year: its encoding of {@code y-m-d} is {@code (MARKER_YEAR - 12y - (m - 1))-01-d}. */
    static final int MARKER_YEAR = -20_000;

    private ImpossibleDates() {
    }

    /** Whether {@code date} is a marker (no server's DATE or DATETIME is before year 0). */
    static boolean isMarker(LocalDate date) {
        return date.getYear() <= MARKER_YEAR;
    }

    /** The date a marker stands for, as the server writes it: {@code 2020-02-31}. */
    static String written(LocalDate marker) {
        int encoded = MARKER_YEAR - marker.getYear();
        return String.format("%04d-%02d-%02d", encoded / 12, encoded % 12 + 1, marker.getDayOfMonth());
    }

    /** The error a captured row with an impossible date maps to. */
    static IllegalArgumentException unmappable(LocalDate marker) {
        return new IllegalArgumentException("the impossible date " + written(marker) + " (stored under sql_mode="
                + "ALLOW_INVALID_DATES) has no Java date: correct the row on the server, or write real dates only "
                + "(remove ALLOW_INVALID_DATES from sql_mode)");
    }

    static LocalDate marker(int year, int month, int day) {
        return LocalDate.of(MARKER_YEAR - (year * 12 + month - 1), 1, day);
    }

    /** A date the server stores under ALLOW_INVALID_DATES that no calendar has; zero parts are not impossible. */
    static boolean isImpossible(int year, int month, int day) {
        return year > 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31
                && day > YearMonth.of(year, month).lengthOfMonth();
    }

    /**
     * After the binlog reader connects (before it reads an event), replaces the engine's row-event decoders by ones that
     * know impossible dates. A reader that cannot be reached (another Debezium version) is left as it is, with a WARN.
     */
    static void install(ChangeEventSourceCoordinator<?, ?> coordinator) {
        try {
            Object factory = field(ChangeEventSourceCoordinator.class, "changeEventSourceFactory").get(coordinator);
            BinaryLogClient client = (BinaryLogClient) field(factory.getClass(), "binaryLogClient").get(factory);
            client.registerLifecycleListener(new BinaryLogClient.AbstractLifecycleListener() {
                @Override
                public void onConnect(BinaryLogClient connected) {
                    teach(connected);
                }
            });
            if (client.isConnected()) {
                // Connected before the listener was registered: teach it now (each decoder is replaced whole); the
                // events it decoded before that used the engine's decoders.
                LoggerFactory.getLogger(ImpossibleDates.class).warn("the binlog reader connected before it could be"
                        + " taught impossible dates: until now such a date (sql_mode=ALLOW_INVALID_DATES) would have"
                        + " stopped the pipeline; from now on it does not");
                teach(client);
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
            Object connection = null;
            for (Class<?> type = task.getClass(); type != null && connection == null; type = type.getSuperclass()) {
                for (Field candidate : type.getDeclaredFields()) {
                    if (candidate.getName().equals("connection")
                            && BinlogConnectorConnection.class.isAssignableFrom(candidate.getType())) {
                        candidate.setAccessible(true);
                        connection = candidate.get(task);
                    }
                }
            }
            if (connection == null) {
                throw new NoSuchFieldException(task.getClass().getName() + ".connection");
            }
            Field readerField = field(BinlogConnectorConnection.class, "fieldReader");
            BinlogFieldReader reader = (BinlogFieldReader) readerField.get(connection);
            if (!(reader instanceof SnapshotReader)) {
                readerField.set(connection, new SnapshotReader((BinlogConnectorConfig) config, reader));
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LoggerFactory.getLogger(ImpossibleDates.class).warn("Cannot teach this engine's snapshot impossible dates"
                    + " ({}): a date such as 2020-02-31 written under sql_mode=ALLOW_INVALID_DATES in a captured table"
                    + " would be read by an initial snapshot as the next real date", e.toString());
        }
    }

    /**
     * The marker of an impossible date in the text the server sends for a DATE ({@code 2020-02-30}) or a DATETIME
     * ({@code 2020-02-30 10:00:00.5}), or null when the text is no impossible date.
     */
    static Object markerOf(String text) {
        if (text.length() < 10 || text.charAt(4) != '-' || text.charAt(7) != '-') {
            return null;
        }
        int year;
        int month;
        int day;
        try {
            year = Integer.parseInt(text, 0, 4, 10);
            month = Integer.parseInt(text, 5, 7, 10);
            day = Integer.parseInt(text, 8, 10, 10);
        } catch (NumberFormatException e) {
            return null;
        }
        if (!isImpossible(year, month, day)) {
            return null;
        }
        LocalDate marker = marker(year, month, day);
        return text.length() > 11 ? LocalDateTime.of(marker, LocalTime.parse(text.substring(11))) : marker;
    }

    @SuppressWarnings("unchecked")
    private static void teach(BinaryLogClient client) {
        try {
            EventDeserializer events = (EventDeserializer) field(BinaryLogClient.class, "eventDeserializer").get(client);
            EventDataDeserializer<?> writes = events.getEventDataDeserializer(EventType.WRITE_ROWS);
            if (writes instanceof Write) {
                return;
            }
            Map<Long, TableMapEventData> tables = (Map<Long, TableMapEventData>)
                    field(AbstractRowsEventDataDeserializer.class, "tableMapEventByTableId").get(writes);
            events.setEventDataDeserializer(EventType.WRITE_ROWS, new Write(tables));
            events.setEventDataDeserializer(EventType.UPDATE_ROWS, new Update(tables));
            events.setEventDataDeserializer(EventType.DELETE_ROWS, new Delete(tables));
            events.setEventDataDeserializer(EventType.EXT_WRITE_ROWS, new Write(tables).setMayContainExtraInformation(true));
            events.setEventDataDeserializer(EventType.EXT_UPDATE_ROWS, new Update(tables).setMayContainExtraInformation(true));
            events.setEventDataDeserializer(EventType.EXT_DELETE_ROWS, new Delete(tables).setMayContainExtraInformation(true));
        } catch (ReflectiveOperationException | RuntimeException e) {
            cannotTeach(e);
        }
    }

    private static void cannotTeach(Exception e) {
        LoggerFactory.getLogger(ImpossibleDates.class).warn("Cannot teach this binlog reader impossible dates ({}): a"
                + " date such as 2020-02-31 written under sql_mode=ALLOW_INVALID_DATES, in any table, will stop the"
                + " pipeline", e.toString());
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }

    /**
     * A DATE as Debezium decodes it ({@code null} for a zero or partly zero date, else the {@link LocalDate}), or the
     * marker of an impossible one. The layout: 3 bytes little-endian, {@code year << 9 | month << 5 | day}.
     */
    static Serializable date(ByteArrayInputStream in) throws IOException {
        int value = in.readInteger(3);
        int day = value % 32;
        int month = (value >>> 5) % 16;
        int year = value >>> 9;
        return dateOrMarker(year, month, day);
    }

    /** As {@link #date}, for a DATETIME without fractional seconds: 8 bytes, the decimal digits YYYYMMDDhhmmss. */
    static Serializable datetime(ByteArrayInputStream in) throws IOException {
        long value = in.readLong(8);
        LocalDate date = dateOrMarker((int) (value / 10_000_000_000L), (int) (value / 100_000_000L % 100),
                (int) (value / 1_000_000L % 100));
        return date == null ? null : LocalDateTime.of(date,
                LocalTime.of((int) (value / 10_000 % 100), (int) (value / 100 % 100), (int) (value % 100)));
    }

    /**
     * As {@link #date}, for a DATETIME(fsp): 5 bytes big-endian (sign bit, 17 bits year * 13 + month, 5 bits day, 5
     * hour, 6 minute, 6 second), then the fraction in (fsp + 1) / 2 bytes (hundredths, ten-thousandths or millionths).
     */
    static Serializable datetimeV2(int fsp, ByteArrayInputStream in) throws IOException {
        long value = bigEndian(in.read(5));
        int fractionBytes = (fsp + 1) / 2;
        long fraction = fractionBytes == 0 ? 0 : bigEndian(in.read(fractionBytes));
        int yearMonth = bits(value, 1, 17);
        LocalDate date = dateOrMarker(yearMonth / 13, yearMonth % 13, bits(value, 18, 5));
        if (date == null) {
            return null;
        }
        long nanos = fraction * NANOS_PER_FRACTION_UNIT[fractionBytes];
        return LocalDateTime.of(date, LocalTime.of(bits(value, 23, 5), bits(value, 28, 6), bits(value, 34, 6),
                (int) nanos));
    }

    private static final long[] NANOS_PER_FRACTION_UNIT = {0, 10_000_000L, 100_000L, 1_000L};

    private static LocalDate dateOrMarker(int year, int month, int day) {
        if (year == 0 || month == 0 || day == 0) {
            return null;
        }
        return isImpossible(year, month, day) ? marker(year, month, day) : LocalDate.of(year, month, day);
    }

    private static long bigEndian(byte[] bytes) {
        long value = 0;
        for (byte b : bytes) {
            value = (value << 8) | (b & 0xFF);
        }
        return value;
    }

    /** {@code count} bits of the 40-bit {@code value} from bit {@code offset} (0 = the most significant). */
    private static int bits(long value, int offset, int count) {
        return (int) ((value >> (40 - offset - count)) & ((1L << count) - 1));
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
                Object marker = text == null ? null : markerOf(text);
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

    private static final EventProcessingFailureHandlingMode FAIL = EventProcessingFailureHandlingMode.FAIL;

    /** Debezium's decoder of inserted rows, knowing impossible dates. */
    static final class Write extends RowDeserializers.WriteRowsDeserializer {
        Write(Map<Long, TableMapEventData> tables) {
            super(tables, FAIL);
        }

        @Override
        protected Serializable deserializeDate(ByteArrayInputStream in) throws IOException {
            return date(in);
        }

        @Override
        protected Serializable deserializeDatetime(ByteArrayInputStream in) throws IOException {
            return datetime(in);
        }

        @Override
        protected Serializable deserializeDatetimeV2(int meta, ByteArrayInputStream in) throws IOException {
            return datetimeV2(meta, in);
        }
    }

    /** Debezium's decoder of updated rows, knowing impossible dates. */
    static final class Update extends RowDeserializers.UpdateRowsDeserializer {
        Update(Map<Long, TableMapEventData> tables) {
            super(tables, FAIL);
        }

        @Override
        protected Serializable deserializeDate(ByteArrayInputStream in) throws IOException {
            return date(in);
        }

        @Override
        protected Serializable deserializeDatetime(ByteArrayInputStream in) throws IOException {
            return datetime(in);
        }

        @Override
        protected Serializable deserializeDatetimeV2(int meta, ByteArrayInputStream in) throws IOException {
            return datetimeV2(meta, in);
        }
    }

    /** Debezium's decoder of deleted rows, knowing impossible dates. */
    static final class Delete extends RowDeserializers.DeleteRowsDeserializer {
        Delete(Map<Long, TableMapEventData> tables) {
            super(tables, FAIL);
        }

        @Override
        protected Serializable deserializeDate(ByteArrayInputStream in) throws IOException {
            return date(in);
        }

        @Override
        protected Serializable deserializeDatetime(ByteArrayInputStream in) throws IOException {
            return datetime(in);
        }

        @Override
        protected Serializable deserializeDatetimeV2(int meta, ByteArrayInputStream in) throws IOException {
            return datetimeV2(meta, in);
        }
    }
}
