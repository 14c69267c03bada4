package io.cdcrunner.gtid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import io.cdcrunner.testkit.UnitTest;

@UnitTest
class MySqlGtidSetTest {

    private static final String A = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
    private static final String B = "4f22fb58-82db-22f2-0f44-d91bb0530673";

    @Test
    void anEmptyOrBlankSetHoldsNothing() {
        assertThat(MySqlGtidSet.parse("")).isEqualTo(MySqlGtidSet.EMPTY);
        assertThat(MySqlGtidSet.parse(null)).isEqualTo(MySqlGtidSet.EMPTY);
        assertThat(MySqlGtidSet.parse(" \n")).isEqualTo(MySqlGtidSet.EMPTY);
        assertThat(MySqlGtidSet.EMPTY.contains(A + ":1")).isFalse();
        assertThat(MySqlGtidSet.EMPTY.toString()).isEmpty();
        assertThat(MySqlGtidSet.parse(A + ":1-3").contains(MySqlGtidSet.EMPTY)).isTrue();
    }

    @Test
    void aSetAsTheServerPrintsItWithSeveralUuidsNewlinesAndUppercaseIsRead() {
        MySqlGtidSet set = MySqlGtidSet.parse(A.toUpperCase() + ":1-17:19-30,\n" + B + ":5");
        assertThat(set.toString()).isEqualTo(A + ":1-17:19-30," + B + ":5");
        assertThat(set.contains(A + ":1")).isTrue();
        assertThat(set.contains(A + ":17")).isTrue();
        assertThat(set.contains(A + ":18")).as("a gap").isFalse();
        assertThat(set.contains(A + ":30")).isTrue();
        assertThat(set.contains(A + ":31")).isFalse();
        assertThat(set.contains(B + ":5")).isTrue();
        assertThat(set.contains(B + ":4")).isFalse();
    }

    @Test
    void taggedTransactionsAreASourceOfTheirOwn() {
        MySqlGtidSet set = MySqlGtidSet.parse(A + ":1-5:ETL:1-4:7");
        assertThat(set.toString()).isEqualTo(A + ":1-5," + A + ":etl:1-4:7");
        assertThat(set.contains(A + ":etl:4")).isTrue();
        assertThat(set.contains(A + ":etl:5")).isFalse();
        assertThat(set.contains(A + ":etl:7")).isTrue();
        assertThat(set.contains(A + ":7")).isFalse();
    }

    @Test
    void intervalsAreMergedAndSetsCompareByTheirTransactions() {
        MySqlGtidSet set = MySqlGtidSet.parse(A + ":5-7:1-3:4," + A + ":9");
        assertThat(set.toString()).isEqualTo(A + ":1-7:9");
        assertThat(set).isEqualTo(MySqlGtidSet.parse(A + ":1-7:9"));
        assertThat(set.contains(MySqlGtidSet.parse(A + ":2-6:9"))).isTrue();
        assertThat(set.contains(MySqlGtidSet.parse(A + ":2-8"))).isFalse();
        assertThat(set.contains(MySqlGtidSet.parse(B + ":1"))).isFalse();
        assertThat(set.union(MySqlGtidSet.parse(A + ":8," + B + ":2")).toString()).isEqualTo(A + ":1-9," + B + ":2");
        assertThat(set.lastOfEachSource().toString()).isEqualTo(A + ":9");
    }

    @Test
    void whatIsNoMySqlGtidIsNotContainedAndAMalformedSetIsRefused() {
        MySqlGtidSet set = MySqlGtidSet.parse(A + ":1-10");
        assertThat(set.contains("0-1-5")).isFalse();
        assertThat(set.contains(A)).isFalse();
        assertThat(set.contains(A + ":x-")).isFalse();
        assertThatThrownBy(() -> MySqlGtidSet.parse(A + ":5-3")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a MySQL GTID set");
        assertThatThrownBy(() -> MySqlGtidSet.parse("0-1-5")).isInstanceOf(IllegalArgumentException.class);
    }
}
