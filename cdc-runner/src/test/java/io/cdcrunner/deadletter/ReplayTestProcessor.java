package io.cdcrunner.deadletter;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.ProcessorContext;
import io.cdcrunner.processor.TransactionalProcessor;

/**
 * Inserts each event's {@code id} column into {@code dlqtest.replayed} (no key there, so a second
 * application shows), and throws for the ids listed in {@code processor.fail.ids}.
 */
public final class ReplayTestProcessor implements TransactionalProcessor {

    public static final String TABLE = "dlqtest.replayed";

    private Set<Long> failIds = Set.of();

    @Override
    public void open(ProcessorContext context) {
        failIds = context.config().find("fail.ids")
                .map(ids -> Arrays.stream(ids.split(",")).map(String::trim).map(Long::valueOf)
                        .collect(Collectors.toUnmodifiableSet()))
                .orElse(Set.of());
    }

    @Override
    public void process(ChangeEvent event, Connection transaction) throws Exception {
        long id = event.row().getLong("id");
        if (failIds.contains(id)) {
            throw new IllegalStateException("id " + id + " is listed in processor.fail.ids");
        }
        try (PreparedStatement insert = transaction.prepareStatement("INSERT INTO " + TABLE + " (id) VALUES (?)")) {
            insert.setLong(1, id);
            insert.executeUpdate();
        }
    }
}
