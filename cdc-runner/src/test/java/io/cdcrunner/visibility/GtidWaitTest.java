package io.cdcrunner.visibility;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.testkit.UnitTest;

@UnitTest
class GtidWaitTest {

    @Test
    void mariaDbWaitsForTheHighestSequenceOfEachDomain() {
        assertThat(MariaDbGtids.highestPerDomain(List.of("0-1-5", "1-2-3", "0-1-9", "0-1-7", "1-2-2")))
                .isEqualTo("0-1-9,1-2-3");
    }

    @Test
    void mySqlWaitsForEachSourcesHighestTransactionItselfNotARangeFromOne() {
        String a = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
        String b = "4f22fb58-82db-22f2-0f44-d91bb0530673";
        assertThat(MySqlGtids.highestPerSource(List.of(a + ":17", b + ":3", a + ":23", a + ":19")))
                .isEqualTo(a + ":23," + b + ":3");
    }

    @Test
    void mySqlTaggedGtidsKeepTheirTag() {
        String a = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
        assertThat(MySqlGtids.highestPerSource(List.of(a + ":etl:4", a + ":etl:9", a + ":2")))
                .isEqualTo(a + ":2," + a + ":etl:9");
    }

    @Test
    void snapshotRowsWaitOnceForTheSourcePositionReadWhenTheyArrive() throws Exception {
        int[] reads = {0};
        GtidWait wait = new GtidWait(ServerFlavor.MARIADB, true, () -> {
            reads[0]++;
            return "0-1-40,1-1-7";
        });
        assertThat(wait.target(List.of(Events.snapshotRow(1), Events.snapshotRow(2)))).isEqualTo("0-1-40,1-1-7");
        assertThat(wait.target(List.of(Events.snapshotRow(3), Events.insert(9, 900, "0-1-41"))))
                .isEqualTo("0-1-41,1-1-7");
        assertThat(reads[0]).isEqualTo(1);
    }

    @Test
    void whereMySqlCommitsMayCompleteOutOfOrderEveryGtidOfTheBatchIsWaitedFor() {
        String a = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
        assertThat(MySqlGtids.everyPerSource(List.of(a + ":17", a + ":19", a + ":18", a + ":23", a + ":etl:4")))
                .isEqualTo(a + ":17-19:23," + a + ":etl:4");
    }

    @Test
    void afterAWaitTheEventsWithinTheReplicasAppliedPositionPass() {
        GtidWait wait = new GtidWait(ServerFlavor.MARIADB, true, () -> "");
        List<io.cdcrunner.processor.ChangeEvent> pending = List.of(Events.insert(1, 100, "0-1-41"),
                Events.insert(2, 200, "0-1-42"), Events.insert(3, 300, "1-1-8"), Events.insert(4, 400, "0-1-43"));
        assertThat(wait.leadingApplied(pending, "0-1-42,1-1-9")).isEqualTo(3);
        assertThat(wait.leadingApplied(pending, "0-1-43,1-1-7")).isEqualTo(2);
        assertThat(wait.leadingApplied(pending, "0-1-40")).isZero();
        assertThat(wait.leadingApplied(pending, "")).isZero();
    }

    @Test
    void mySqlExecutedSetsAreReadWithGapsAndTags() {
        String a = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
        String b = "4f22fb58-82db-22f2-0f44-d91bb0530673";
        var executed = new MySqlGtids(true).applied(a.toUpperCase() + ":1-17:19-30:etl:1-4,\n" + b + ":5");
        assertThat(executed).accepts(a + ":17", a + ":19", a + ":30", a + ":etl:4", b + ":5");
        assertThat(executed).rejects(a + ":18", a + ":31", a + ":etl:5", b + ":4", "0-1-5");
    }

    @Test
    void aSnapshotRedoneAtAnotherConsistentPointReadsTheSourcePositionAgain() throws Exception {
        String[] positions = {"0-1-40", "0-1-90"};
        int[] reads = {0};
        GtidWait wait = new GtidWait(ServerFlavor.MARIADB, true, () -> positions[reads[0]++]);
        assertThat(wait.target(List.of(Events.snapshotRow(1)))).isEqualTo("0-1-40");
        var redone = Events.snapshotRow(1, 7000);
        assertThat(wait.target(List.of(redone))).isEqualTo("0-1-90");
        assertThat(wait.leadingApplied(List.of(redone), "0-1-95")).as("not waited for yet").isZero();
    }
}
