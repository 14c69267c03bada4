package io.cdcrunner.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;
import io.cdcrunner.testkit.UnitTest;

@UnitTest
class CausesTest {

    @Test
    void aSummaryShowsEachMessageOnceFromOutermostToInnermost() {
        Exception error = new IllegalStateException("cannot start",
                new SQLException("Could not connect: Connection refused",
                        new ConnectException("Connection refused")));
        assertThat(Causes.summary(error)).isEqualTo("cannot start <- Could not connect: Connection refused");
    }

    @Test
    void causesWithoutAMessageAddNothingAndAnExceptionWithoutAnyIsNamedByItsClass() {
        assertThat(Causes.summary(new RuntimeException("outer", new IOException((String) null))))
                .isEqualTo("outer");
        assertThat(Causes.summary(new RuntimeException(new IOException("disk full"))))
                .as("a wrapper's message repeats its cause's: shown once").isEqualTo("java.io.IOException: disk full");
        assertThat(Causes.summary(new IllegalStateException())).isEqualTo("IllegalStateException");
    }

    @Test
    void aChainThatPointsBackEndsTheWalk() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        assertThat(Causes.summary(a)).isEqualTo("a <- b");
        assertThat(Causes.root(a)).isSameAs(b);
        assertThat(Causes.innermostMessage(a)).isEqualTo("b");
    }

    @Test
    void theInnermostMessageIsItsFirstLine() {
        Exception error = new RuntimeException("pool failed", new SQLException("Connection refused\n\tat driver..."));
        assertThat(Causes.innermostMessage(error)).isEqualTo("Connection refused");
        assertThat(Causes.innermostMessage(new RuntimeException("only", new IOException()))).isEqualTo("only");
        assertThat(Causes.innermostMessage(new IOException())).isEqualTo("IOException");
    }
}
