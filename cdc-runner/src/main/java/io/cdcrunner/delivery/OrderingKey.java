package io.cdcrunner.delivery;

import java.util.HexFormat;
import java.util.Optional;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Row;

/**
 * What must be processed in commit order: by default a row (table + primary key); with
 * {@code processor.ordering.column}, all rows sharing that column's value (e.g. a family).
 */
public final class OrderingKey {

    private final String column;

    public OrderingKey(Optional<String> column) {
        this.column = column.orElse(null);
    }

    /** The event's key as text; equal keys mean "keep in order". */
    public String of(ChangeEvent event) {
        StringBuilder key = new StringBuilder(event.qualifiedTable()).append('\u0000');
        Row row = event.row();
        if (column != null && row.has(column)) {
            append(key, row.get(column));
            return key.toString();
        }
        for (String keyColumn : event.key().columns()) {
            append(key, event.key().get(keyColumn)).append('\u0000');
        }
        return key.toString();
    }

    /** The lane, out of {@code lanes}, for this event. */
    public int lane(ChangeEvent event, int lanes) {
        return lanes == 1 ? 0 : lane(of(event), lanes);
    }

    /** The lane, out of {@code lanes}, for a key {@link #of} gave. */
    static int lane(String key, int lanes) {
        return Math.floorMod(key.hashCode(), lanes);
    }

    private static StringBuilder append(StringBuilder key, Object value) {
        return key.append(value instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : String.valueOf(value));
    }
}
