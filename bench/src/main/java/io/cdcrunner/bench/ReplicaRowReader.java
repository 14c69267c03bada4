package io.cdcrunner.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.EventProcessor;
import io.cdcrunner.processor.ProcessorContext;

/**
 * The reader of scenario 4 on the daemon's side: reads each event's row by id from the processor's read server
 * (the lagging replica, behind the visibility barrier), as the polling reader's final query does, and counts a
 * row it does not find as a stale read. Reads {@code processor.table}.
 */
public final class ReplicaRowReader implements EventProcessor {

    static final AtomicLong READS = new AtomicLong();
    static final AtomicLong STALE = new AtomicLong();

    private DataSource replica;
    private String table;

    @Override
    public void open(ProcessorContext context) {
        replica = context.readDataSource();
        table = context.config().get("table");
    }

    @Override
    public void process(ChangeEvent event) throws SQLException {
        try (Connection c = replica.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT id FROM " + table + " WHERE id = ?")) {
            select.setLong(1, event.row().getLong("id"));
            try (ResultSet rs = select.executeQuery()) {
                READS.incrementAndGet();
                if (!rs.next()) {
                    STALE.incrementAndGet();
                }
            }
        }
    }
}
