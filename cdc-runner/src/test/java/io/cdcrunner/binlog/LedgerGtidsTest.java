package io.cdcrunner.binlog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.cdcrunner.testkit.UnitTest;

@UnitTest
class LedgerGtidsTest {

    @Test
    void theGtidOfEachIdForm() {
        assertThat(LedgerGtids.gtidOf("gtid:3e11fa47-71ca-11e1-9e33-c80aa9429562:23:3:0"))
                .isEqualTo("3e11fa47-71ca-11e1-9e33-c80aa9429562:23");
        assertThat(LedgerGtids.gtidOf("gtid:0-1-20155:3:0")).isEqualTo("0-1-20155");
        assertThat(LedgerGtids.gtidOf("gtid:0-1-5:0:0:shop.orders")).isEqualTo("0-1-5");
        assertThat(LedgerGtids.gtidOf("gtid:3e11fa47-71ca-11e1-9e33-c80aa9429562:tag:7:2:1"))
                .isEqualTo("3e11fa47-71ca-11e1-9e33-c80aa9429562:tag:7");
        assertThat(LedgerGtids.gtidOf("gtid:broken")).isNull();
    }
}
