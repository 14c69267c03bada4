package io.cdcrunner.testkit;

import java.util.Map;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.Row;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.processor.SourcePosition;

/** Row changes of {@code shop.orders} keyed by {@code id}, at binlog positions growing with the id. */
public final class TestEvents {

    private TestEvents() {
    }

    public static ChangeEvent insert(long id) {
        return new ChangeEvent(Operation.INSERT, "shop", "orders", Row.of(Map.of("id", id)), Row.empty(),
                Row.of(Map.of("id", id)), new SourcePosition(ServerFlavor.MARIADB, 1, "binlog.000001", 1000 + id, 0,
                null), null, null);
    }

    /** The row ids of {@code events}, in order. */
    public static java.util.List<Long> ids(java.util.List<ChangeEvent> events) {
        return events.stream().map(e -> e.row().getLong("id")).toList();
    }
}
