package io.cdcrunner.debezium;

import java.lang.reflect.Field;
import java.util.List;
import java.util.Set;

import org.slf4j.LoggerFactory;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.TransactionPayloadEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;

/**
 * Gives each row event inside a MySQL compressed transaction ({@code binlog_transaction_compression=ON}) a position
 * of its own, so that every row of the transaction has an event id of its own.
 *
 * <p>Why: the server writes a compressed transaction as one Transaction_payload event whose inner events carry no
 * position, so the engine gives each of their rows the payload's position, and each inner rows event counts its rows
 * from 0: the ids ({@code file:position:row}) of two statements' rows repeated, and a transactional processor's
 * ledger (or the dead-letter store) took the later rows for ones already handled.
 *
 * <p>How: a listener placed before the engine's renumbers the inner events before the engine handles them. The
 * payload occupies {@code [P, P + L)} in the binlog and no other event starts inside it, so the {@code i}-th inner
 * event's rows get position {@code P + 1 + i}: unique in the binlog, the same each time the payload is read again.
 * The transaction's last event (its XID) is placed to end where the payload ends, {@code P + L}, so the position the
 * engine records after the commit, that event's position plus its length, is the payload's end, as before. The
 * engine's restart position inside the transaction (the payload's start, then events and rows to skip) is untouched.
 */
final class PayloadPositions implements BinaryLogClient.EventListener {

    private static final Set<EventType> ROWS = Set.of(EventType.WRITE_ROWS, EventType.EXT_WRITE_ROWS,
            EventType.UPDATE_ROWS, EventType.EXT_UPDATE_ROWS, EventType.DELETE_ROWS, EventType.EXT_DELETE_ROWS,
            EventType.PARTIAL_UPDATE_ROWS_EVENT);

    /** Places this listener ahead of the engine's on {@code client}, once. */
    static void install(BinaryLogClient client) {
        try {
            Field field = BinaryLogClient.class.getDeclaredField("eventListeners");
            field.setAccessible(true);
            @SuppressWarnings("unchecked")
            List<BinaryLogClient.EventListener> listeners = (List<BinaryLogClient.EventListener>) field.get(client);
            if (listeners.stream().noneMatch(PayloadPositions.class::isInstance)) {
                listeners.add(0, new PayloadPositions());
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LoggerFactory.getLogger(PayloadPositions.class).warn("Cannot give the rows of MySQL's compressed transactions"
                    + " positions of their own ({}): with binlog_transaction_compression=ON the rows of one transaction"
                    + " may share event ids, which a TransactionalProcessor's ledger takes for one", e.toString());
        }
    }

    @Override
    public void onEvent(Event event) {
        if (event.getHeader().getEventType() != EventType.TRANSACTION_PAYLOAD
                || !(event.getHeader() instanceof EventHeaderV4 header) || header.getPosition() <= 0) {
            return;
        }
        EventData data = event.getData();
        if (data instanceof EventDeserializer.EventDataWrapper wrapper) {
            data = wrapper.getInternal();
        }
        if (data instanceof TransactionPayloadEventData payload && payload.getUncompressedEvents() != null) {
            renumber(payload.getUncompressedEvents(), header.getPosition(), header.getEventLength());
        }
    }

    /** Positions the row events of a payload at {@code [start, start + length)} and its XID at its end. */
    static void renumber(List<Event> inner, long start, long length) {
        for (int i = 0; i < inner.size(); i++) {
            if (!(inner.get(i).getHeader() instanceof EventHeaderV4 header)) {
                continue;
            }
            EventType type = header.getEventType();
            if (ROWS.contains(type)) {
                header.setNextPosition(start + 1 + i + header.getEventLength());
            } else if (type == EventType.XID) {
                header.setNextPosition(start + length);
            }
        }
    }
}
