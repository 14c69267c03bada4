package io.cdcrunner.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.cdcrunner.testkit.ChangeEventBuilder;
import io.cdcrunner.testkit.UnitTest;

/** {@link ChangeEvent#eventId()} and {@link ChangeEvent#positionEventId()}: which form a processor gets when. */
@UnitTest
class EventIdTest {

    private static final String MYSQL_GTID = "3e11fa47-71ca-11e1-9e33-c80aa9429562:23";

    @Test
    void aBinlogChangeWithAGtidAndItsIndexInTheTransactionHasTheGtidForm() {
        ChangeEvent mariadb = ChangeEventBuilder.insert().key("id", 1).at("binlog.000007", 1200).gtid("0-1-20155")
                .transactionEvent(3).build();
        ChangeEvent mysql = ChangeEventBuilder.insert().key("id", 1).flavor(ServerFlavor.MYSQL).at(4711).row(2)
                .gtid(MYSQL_GTID).transactionEvent(3).build();

        assertThat(mariadb.eventId()).isEqualTo("gtid:0-1-20155:3:0");
        assertThat(mysql.eventId()).isEqualTo("gtid:" + MYSQL_GTID + ":3:2");
        assertThat(mariadb.positionEventId()).isEqualTo("binlog.000007:1200:0");
        assertThat(mysql.position().binlogEventId()).isEqualTo("binlog.000001:4711:2");
    }

    @Test
    void theSameChangeReadFromAnotherServersBinlogKeepsItsId() {
        // After a failover: the promoted replica logged the transaction at its own file and position.
        ChangeEvent onPrimary = ChangeEventBuilder.insert().key("id", 1).serverId(1).at("binlog.000007", 1200).row(1)
                .gtid("0-1-20155").transactionEvent(3).build();
        ChangeEvent onReplica = ChangeEventBuilder.insert().key("id", 1).serverId(1).at("replica-bin.000002", 88)
                .row(1).gtid("0-1-20155").transactionEvent(3).build();

        assertThat(onReplica.eventId()).isEqualTo(onPrimary.eventId());
        assertThat(onReplica.positionEventId()).isNotEqualTo(onPrimary.positionEventId());
    }

    @Test
    void rowsOfOneTransactionNeverShareAnId() {
        // Two rows events of one transaction, three rows each: (event, row) pairs are distinct.
        List<String> ids = IntStream.range(0, 6).mapToObj(i -> ChangeEventBuilder.insert().key("id", i)
                .at(1200 + (i / 3) * 100).row(i % 3).gtid("0-1-20155").transactionEvent(2 + i / 3).build().eventId())
                .toList();

        assertThat(ids).doesNotHaveDuplicates().allSatisfy(id -> assertThat(id).startsWith("gtid:0-1-20155:"));
    }

    @Test
    void withoutAGtidOrWithoutTheIndexTheIdIsTheBinlogForm() {
        ChangeEvent noGtid = ChangeEventBuilder.insert().key("id", 1).flavor(ServerFlavor.MYSQL).at(4711)
                .transactionEvent(3).build();
        // As from Kafka: the record carries the GTID in its source block but no engine offset.
        ChangeEvent noIndex = ChangeEventBuilder.insert().key("id", 1).at(4711).gtid("0-1-20155").build();

        assertThat(noGtid.eventId()).isEqualTo("binlog.000001:4711:0").isEqualTo(noGtid.positionEventId());
        assertThat(noIndex.eventId()).isEqualTo("binlog.000001:4711:0").isEqualTo(noIndex.positionEventId());
    }

    @Test
    void aTableEventNamesItsTableAfterEitherForm() {
        ChangeEvent truncate = ChangeEventBuilder.of(Operation.TRUNCATE).at(4711).gtid("0-1-20160")
                .transactionEvent(1).build();

        assertThat(truncate.eventId()).isEqualTo("gtid:0-1-20160:1:0:shop.orders");
        assertThat(truncate.positionEventId()).isEqualTo("binlog.000001:4711:0:shop.orders");
    }

    @Test
    void aSnapshotRowsIdIsUnchangedAndTheSameInBothForms() {
        SourcePosition position = new SourcePosition(ServerFlavor.MARIADB, 1, "binlog.000001", 4, 0, "0-1-5", true, 2);
        ChangeEvent row = ChangeEventBuilder.insert().key("id", 7).position(position).build();

        assertThat(row.eventId()).isEqualTo("snapshot:binlog.000001:4:shop.orders:7")
                .isEqualTo(row.positionEventId());
        assertThat(position.eventId()).isEqualTo("binlog.000001:4:0");
    }

    @Test
    void theShortConstructorsLeaveTheIndexUnknown() {
        assertThat(new SourcePosition(ServerFlavor.MARIADB, 1, "b.1", 4, 0, "0-1-5").transactionEvent()).isEqualTo(-1);
        assertThat(new SourcePosition(ServerFlavor.MARIADB, 1, "b.1", 4, 0, "0-1-5", false).eventId())
                .isEqualTo("b.1:4:0");
    }

    @Test
    void aBackfilledRowIsNamedByItsRunSoTheSameRunRepeatsItsIdAndANewRunDoesNot() {
        SourcePosition run1 = new SourcePosition(ServerFlavor.MARIADB, 1, "binlog.000007", 1200, 0, "0-1-20155", true,
                -1, "b20261208-021530-7f3a");
        SourcePosition run1Later = new SourcePosition(ServerFlavor.MARIADB, 1, "binlog.000009", 88, 0, "0-1-20999",
                true, -1, "b20261208-021530-7f3a");
        SourcePosition run2 = new SourcePosition(ServerFlavor.MARIADB, 1, "binlog.000007", 1200, 0, "0-1-20155", true,
                -1, "b20261209-101010-0001");
        ChangeEvent first = ChangeEventBuilder.insert().key("id", 42).position(run1).build();
        ChangeEvent again = ChangeEventBuilder.insert().key("id", 42).position(run1Later).build();
        ChangeEvent reprocessed = ChangeEventBuilder.insert().key("id", 42).position(run2).build();

        assertThat(first.isBackfill()).isTrue();
        assertThat(first.eventId()).isEqualTo("backfill:b20261208-021530-7f3a:shop.orders:42");
        assertThat(again.eventId()).as("a chunk read again after a crash").isEqualTo(first.eventId());
        assertThat(reprocessed.eventId()).isNotEqualTo(first.eventId());
        assertThat(first.positionEventId()).isEqualTo(first.eventId());
        assertThat(ChangeEventBuilder.insert().key("k", "x".repeat(300)).position(run1).build().eventId())
                .startsWith("backfill:sha256:").hasSize("backfill:sha256:".length() + 64);
        assertThat(ChangeEventBuilder.insert().key("id", 42).snapshot().build().isBackfill()).isFalse();
    }

    @Test
    void aBackfillRunIdNeedsASnapshotRow() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SourcePosition(ServerFlavor.MARIADB, 1,
                "binlog.000007", 1200, 0, null, false, -1, "b1")).isInstanceOf(IllegalArgumentException.class);
    }
}
