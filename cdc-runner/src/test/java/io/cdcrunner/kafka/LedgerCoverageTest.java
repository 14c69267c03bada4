package io.cdcrunner.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.cdcrunner.kafka.LedgerCoverage.TopicRetention;
import io.cdcrunner.testkit.UnitTest;

/** Which change topics outlast the ledger's memory, and how that reads. */
@UnitTest
class LedgerCoverageTest {

    private static final Duration DAY = Duration.ofDays(1);

    @Test
    void aTopicKeepingRecordsLongerOrForEverIsUncoveredWithTheNumbersAndTheFix() {
        List<TopicRetention> topics = List.of(new TopicRetention("p.shop.orders", DAY.toMillis()),
                new TopicRetention("p.shop.items", Duration.ofHours(36).toMillis()),
                new TopicRetention("p.shop.log", -1));

        List<TopicRetention> uncovered = LedgerCoverage.uncovered(DAY, topics);

        assertThat(uncovered).extracting(TopicRetention::topic).containsExactly("p.shop.items", "p.shop.log");
        assertThat(LedgerCoverage.problem(DAY, uncovered)).startsWith("p.shop.items keeps records 36 h"
                + " (retention.ms=129600000), p.shop.log keeps records for ever, but the ledger keeps event ids 1 d"
                + " (kafka.ledger.retention.ms=86400000)");
        assertThat(LedgerCoverage.fix(uncovered)).startsWith("set retention.ms on the topics kept for ever");
        assertThat(LedgerCoverage.fix(uncovered.subList(0, 1))).startsWith("set kafka.ledger.retention.ms=129600000");
    }

    @Test
    void durationsReadInTheLargestWholeUnit() {
        assertThat(LedgerCoverage.readable(604_800_000L)).isEqualTo("7 d");
        assertThat(LedgerCoverage.readable(5_400_000L)).isEqualTo("90 min");
        assertThat(LedgerCoverage.readable(1_500L)).isEqualTo("1500 ms");
    }
}
