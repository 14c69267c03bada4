package io.cdcrunner.core;

import java.util.BitSet;
import java.util.Collection;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Row;

/**
 * An estimate of the heap an item holds while its batch is in flight, which the byte bounds on batches count
 * ({@code engine.max.batch.bytes}). It follows the column values: a BLOB's or a text's length (a character counted
 * as one byte, as Java stores Latin-1 text), a fixed amount for other values, and {@link #PER_RECORD} for the record,
 * the event and their bookkeeping. Computed once per item, in time proportional to its number of columns: no value is
 * serialized or scanned.
 */
public final class EventFootprint {

    /** The change record around the values (envelope, source block, offsets), the event and their maps. */
    public static final long PER_RECORD = 1024;
    private static final long PER_COLUMN = 48;
    private static final long PER_ARRAY = 16;
    private static final long PER_STRING = 40;

    private EventFootprint() {
    }

    /** The estimate for one item: its events' rows (or the event passed over), and the record. */
    public static long of(SourceItem item) {
        long bytes = PER_RECORD;
        for (ChangeEvent event : item.events()) {
            bytes += rows(event);
        }
        if (item.passedOver() != null) {
            bytes += rows(item.passedOver());
        }
        return bytes;
    }

    /** The row images of {@code event}; the key shares its values with them. */
    private static long rows(ChangeEvent event) {
        return row(event.before()) + row(event.after()) + PER_COLUMN * event.key().columns().size();
    }

    private static long row(Row row) {
        long bytes = 0;
        for (Object value : row.asMap().values()) {
            bytes += PER_COLUMN + value(value);
        }
        return bytes;
    }

    private static long value(Object value) {
        if (value instanceof byte[] bytes) {
            return PER_ARRAY + bytes.length;
        }
        if (value instanceof String text) {
            return PER_STRING + text.length();
        }
        if (value instanceof BitSet bits) {
            return PER_ARRAY + bits.size() / 8;
        }
        if (value instanceof Collection<?> labels) {
            return PER_STRING * (1 + labels.size());
        }
        return 0;
    }
}
