package io.cdcrunner.debezium;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;

import io.cdcrunner.testkit.UnitTest;

/** The positions a compressed transaction's inner events get (the end to end case: CompressedTransactionsTest). */
@UnitTest
class PayloadPositionsTest {

    private static Event inner(EventType type, long length) {
        EventHeaderV4 header = new EventHeaderV4();
        header.setEventType(type);
        header.setEventLength(length);
        header.setNextPosition(0);
        return new Event(header, null);
    }

    private static long position(Event event) {
        return ((EventHeaderV4) event.getHeader()).getPosition();
    }

    @Test
    void rowEventsGetDistinctPositionsInsideThePayloadAndTheXidEndsWhereThePayloadEnds() {
        List<Event> events = new ArrayList<>(List.of(inner(EventType.QUERY, 60), inner(EventType.TABLE_MAP, 50),
                inner(EventType.EXT_WRITE_ROWS, 8_000), inner(EventType.EXT_WRITE_ROWS, 7_000),
                inner(EventType.TABLE_MAP, 50), inner(EventType.EXT_UPDATE_ROWS, 90), inner(EventType.XID, 31)));
        long start = 4_711;
        long length = 1_234;
        PayloadPositions.renumber(events, start, length);

        List<Long> rows = List.of(position(events.get(2)), position(events.get(3)), position(events.get(5)));
        assertThat(rows).doesNotHaveDuplicates().allSatisfy(p -> assertThat(p).isGreaterThan(start)
                .isLessThan(start + length));
        Event xid = events.get(6);
        assertThat(position(xid) + ((EventHeaderV4) xid.getHeader()).getEventLength())
                .as("where the engine resumes after the commit").isEqualTo(start + length);
        // The others keep no position, as the server wrote them: the engine leaves its position where it was.
        assertThat(position(events.get(0))).isNotPositive();
        assertThat(position(events.get(1))).isNotPositive();

        PayloadPositions.renumber(events, start, length);
        assertThat(List.of(position(events.get(2)), position(events.get(3)), position(events.get(5))))
                .as("the same each time the payload is read").isEqualTo(rows);
    }
}
