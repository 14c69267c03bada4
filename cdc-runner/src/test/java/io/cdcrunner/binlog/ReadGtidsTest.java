package io.cdcrunner.binlog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.cdcrunner.testkit.UnitTest;

@UnitTest
class ReadGtidsTest {

    @Test
    void keepsTheLastGtidOfEachSourceServerInItsNotation() {
        ReadGtids read = new ReadGtids();
        read.read("3e11fa47-71ca-11e1-9e33-c80aa9429562:7");
        read.read("3e11fa47-71ca-11e1-9e33-c80aa9429562:9");
        read.read("3e11fa47-71ca-11e1-9e33-c80aa9429562:8");
        read.read("0-1-41");
        read.read("0-1-42");
        read.read("0-2-5");
        read.read(null);
        read.read("");
        read.read("not-a-gtid");

        assertThat(read.lastOfEach()).containsExactlyInAnyOrder("3e11fa47-71ca-11e1-9e33-c80aa9429562:9", "0-1-42",
                "0-2-5");
    }
}
