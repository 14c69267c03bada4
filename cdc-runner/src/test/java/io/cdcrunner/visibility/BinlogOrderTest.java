package io.cdcrunner.visibility;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.processor.SourcePosition;
import io.cdcrunner.testkit.UnitTest;

@UnitTest
class BinlogOrderTest {

    private static SourcePosition at(String file, long offset, int row) {
        return new SourcePosition(ServerFlavor.MARIADB, 1, file, offset, row, null);
    }

    @Test
    void ordersByFileNumberThenOffsetThenRow() {
        assertThat(BinlogOrder.compare(at("binlog.000002", 4, 0), at("binlog.000001", 900, 0))).isPositive();
        assertThat(BinlogOrder.compare(at("binlog.000001", 400, 0), at("binlog.000001", 900, 0))).isNegative();
        assertThat(BinlogOrder.compare(at("binlog.000001", 400, 2), at("binlog.000001", 400, 1))).isPositive();
        assertThat(BinlogOrder.compare(at("binlog.000001", 400, 1), at("binlog.000001", 400, 1))).isZero();
    }

    @Test
    void comparesFileSequenceNumbersAsNumbersPastSixDigits() {
        assertThat(BinlogOrder.compare(at("binlog.1000000", 4, 0), at("binlog.999999", 4, 0))).isPositive();
    }

    @Test
    void nothingIsAtOrBeforeAnUnknownPosition() {
        assertThat(BinlogOrder.atOrBefore(at("binlog.000001", 4, 0), null)).isFalse();
    }
}
