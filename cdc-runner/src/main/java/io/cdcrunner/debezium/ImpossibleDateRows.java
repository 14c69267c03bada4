package io.cdcrunner.debezium;

import java.io.IOException;
import java.io.Serializable;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Map;

import com.github.luben.zstd.Zstd;
import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.TransactionPayloadEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.TransactionPayloadEventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;

import io.debezium.config.CommonConnectorConfig.EventProcessingFailureHandlingMode;
import io.debezium.connector.binlog.event.RowDeserializers;
import io.debezium.relational.Tables;

/**
 * Debezium's row-event decoders, knowing {@link ImpossibleDates}: every other date decodes as Debezium's decoder
 * does it (zero parts give {@code null}); the stream cannot be read twice, so the three date layouts are decoded here.
 * A captured table's row change that misses columns is refused ({@link IncompleteRowImage}).
 */
final class ImpossibleDateRows {

    private ImpossibleDateRows() {
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
        return ImpossibleDates.isImpossible(year, month, day) ? ImpossibleDates.marker(year, month, day) : LocalDate.of(year, month, day);
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

    private static final EventProcessingFailureHandlingMode FAIL = EventProcessingFailureHandlingMode.FAIL;

    /** Debezium's decoder of inserted rows, knowing impossible dates. */
    static final class Write extends RowDeserializers.WriteRowsDeserializer {
        private final Map<Long, TableMapEventData> tables;
        private final Capture captured;

        Write(Map<Long, TableMapEventData> tables, Capture captured) {
            super(tables, FAIL);
            this.tables = tables;
            this.captured = captured;
        }

        @Override
        public WriteRowsEventData deserialize(ByteArrayInputStream in) throws IOException {
            return (WriteRowsEventData) IncompleteRowImage.requireFull(super.deserialize(in), tables, captured);
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
        private final Map<Long, TableMapEventData> tables;
        private final Capture captured;

        Update(Map<Long, TableMapEventData> tables, Capture captured) {
            super(tables, FAIL);
            this.tables = tables;
            this.captured = captured;
        }

        @Override
        public UpdateRowsEventData deserialize(ByteArrayInputStream in) throws IOException {
            return (UpdateRowsEventData) IncompleteRowImage.requireFull(super.deserialize(in), tables, captured);
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
        private final Map<Long, TableMapEventData> tables;
        private final Capture captured;

        Delete(Map<Long, TableMapEventData> tables, Capture captured) {
            super(tables, FAIL);
            this.tables = tables;
            this.captured = captured;
        }

        @Override
        public DeleteRowsEventData deserialize(ByteArrayInputStream in) throws IOException {
            return (DeleteRowsEventData) IncompleteRowImage.requireFull(super.deserialize(in), tables, captured);
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

    /** Installs the decoders of this class for every row event {@code events} reads, compressed ones included. */
    static void install(EventDeserializer events, Map<Long, TableMapEventData> tables, Capture captured) {
        installRows(events, tables, captured);
        events.setEventDataDeserializer(EventType.TRANSACTION_PAYLOAD, new Payload(tables, captured));
    }

    private static void installRows(EventDeserializer events, Map<Long, TableMapEventData> tables,
                                    Capture captured) {
        events.setEventDataDeserializer(EventType.WRITE_ROWS, new Write(tables, captured));
        events.setEventDataDeserializer(EventType.UPDATE_ROWS, new Update(tables, captured));
        events.setEventDataDeserializer(EventType.DELETE_ROWS, new Delete(tables, captured));
        events.setEventDataDeserializer(EventType.EXT_WRITE_ROWS,
                new Write(tables, captured).setMayContainExtraInformation(true));
        events.setEventDataDeserializer(EventType.EXT_UPDATE_ROWS,
                new Update(tables, captured).setMayContainExtraInformation(true));
        events.setEventDataDeserializer(EventType.EXT_DELETE_ROWS,
                new Delete(tables, captured).setMayContainExtraInformation(true));
        events.setEventDataDeserializer(EventType.PARTIAL_UPDATE_ROWS_EVENT,
                IncompleteRowImage.partialUpdates(tables, captured));
    }

    /**
     * Debezium's decoder of MySQL's compressed transactions ({@code binlog_transaction_compression=ON}): a header, then
     * the transaction's events compressed with zstd, whose rows it decodes with decoders of its own. This one decodes
     * them with the decoders above.
     */
    static final class Payload extends TransactionPayloadEventDataDeserializer {
        private final Map<Long, TableMapEventData> tables;
        private final Capture captured;

        Payload(Map<Long, TableMapEventData> tables, Capture captured) {
            this.tables = tables;
            this.captured = captured;
        }

        @Override
        public TransactionPayloadEventData deserialize(ByteArrayInputStream in) throws IOException {
            TransactionPayloadEventData data = new TransactionPayloadEventData();
            while (in.available() > 0) {
                int field = in.readPackedInteger();
                if (field == OTW_PAYLOAD_HEADER_END_MARK) {
                    break;
                }
                int length = in.readPackedInteger();
                switch (field) {
                    case OTW_PAYLOAD_SIZE_FIELD -> data.setPayloadSize(in.readPackedInteger());
                    case OTW_PAYLOAD_COMPRESSION_TYPE_FIELD -> data.setCompressionType(in.readPackedInteger());
                    case OTW_PAYLOAD_UNCOMPRESSED_SIZE_FIELD -> data.setUncompressedSize(in.readPackedInteger());
                    default -> in.read(length);
                }
            }
            if (data.getUncompressedSize() == 0) {
                data.setUncompressedSize(data.getPayloadSize());
            }
            data.setPayload(in.read(data.getPayloadSize()));
            if (data.getUncompressedSize() > Integer.MAX_VALUE) {
                throw new IOException("a compressed transaction of " + data.getUncompressedSize()
                        + " bytes is larger than the largest array");
            }
            byte[] uncompressed = new byte[(int) data.getUncompressedSize()];
            Zstd.decompressByteArray(uncompressed, 0, uncompressed.length, data.getPayload(), 0,
                    data.getPayload().length);
            EventDeserializer events = new EventDeserializer();
            installRows(events, tables, captured);
            ByteArrayInputStream inner = new ByteArrayInputStream(uncompressed);
            ArrayList<Event> decoded = new ArrayList<>();
            for (Event event = events.nextEvent(inner); event != null; event = events.nextEvent(inner)) {
                decoded.add(event);
                if (event.getHeader().getEventType() == EventType.TABLE_MAP && event.getData() != null) {
                    TableMapEventData table = event.getData();
                    tables.put(table.getTableId(), table);
                }
            }
            data.setUncompressedEvents(decoded);
            return data;
        }
    }
}
