package io.cdcrunner.gtid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import io.cdcrunner.testkit.UnitTest;

@UnitTest
class MariaDbGtidPositionTest {

    @Test
    void anEmptyOrBlankPositionHoldsNothing() {
        assertThat(MariaDbGtidPosition.parse("")).isEqualTo(MariaDbGtidPosition.EMPTY);
        assertThat(MariaDbGtidPosition.parse(null)).isEqualTo(MariaDbGtidPosition.EMPTY);
        assertThat(MariaDbGtidPosition.parse(" \n")).isEqualTo(MariaDbGtidPosition.EMPTY);
        assertThat(MariaDbGtidPosition.EMPTY.contains("0-1-1")).isFalse();
        assertThat(MariaDbGtidPosition.EMPTY.toString()).isEmpty();
    }

    @Test
    void aPositionOfSeveralDomainsContainsEachDomainUpToItsSequenceWhicheverServerWroteIt() {
        MariaDbGtidPosition position = MariaDbGtidPosition.parse("0-1-42, 1-2-7,\n2-1-3");
        assertThat(position.toString()).isEqualTo("0-1-42,1-2-7,2-1-3");
        assertThat(position.contains("0-1-42")).isTrue();
        assertThat(position.contains("0-3-41")).as("another server of the same domain").isTrue();
        assertThat(position.contains("0-1-43")).isFalse();
        assertThat(position.contains("1-2-8")).isFalse();
        assertThat(position.contains("5-1-1")).as("a domain the position does not know").isFalse();
        assertThat(position.contains(MariaDbGtidPosition.parse("0-1-40,1-2-7"))).isTrue();
        assertThat(position.contains(MariaDbGtidPosition.parse("0-1-40,3-2-7"))).isFalse();
    }

    @Test
    void theHighestSequenceOfEachDomainIsKept() {
        assertThat(MariaDbGtidPosition.highestOf(List.of("0-1-5", "1-2-3", "0-1-9,1-2-2", "0-1-7")).toString())
                .isEqualTo("0-1-9,1-2-3");
        assertThat(MariaDbGtidPosition.parse("0-1-5,0-2-9").gtidOf(0))
                .isEqualTo(new MariaDbGtidPosition.Gtid(0, 2, 9));
    }

    @Test
    void whatIsNoMariaDbGtidIsNotContainedAndAMalformedPositionIsRefused() {
        MariaDbGtidPosition position = MariaDbGtidPosition.parse("0-1-42");
        assertThat(position.contains("3e11fa47-71ca-11e1-9e33-c80aa9429562:5")).isFalse();
        assertThat(position.contains("0-1")).isFalse();
        assertThatThrownBy(() -> MariaDbGtidPosition.parse("0-1-x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a MariaDB GTID: 0-1-x");
    }
}
