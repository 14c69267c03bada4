package io.cdcrunner.binlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Map;
import java.util.Set;

import org.assertj.core.api.SoftAssertions;

import io.cdcrunner.processor.Row;

/** Row comparison that a user can rely on: same columns in table order, same Java type, equal value. */
final class ExactRows {

    private ExactRows() {
    }

    /** Arrays compare by content, BigDecimals with their scale, Sets regardless of implementation class. */
    static void assertExactly(Row actual, Map<String, Object> expected) {
        assertThat(new ArrayList<>(actual.columns())).containsExactlyElementsOf(expected.keySet());
        SoftAssertions softly = new SoftAssertions();
        expected.forEach((column, value) -> {
            Object got = actual.get(column);
            if (value == null) {
                softly.assertThat(got).as(column).isNull();
            } else {
                softly.assertThat(got).as(column).isInstanceOf(value instanceof Set ? Set.class : value.getClass());
                softly.assertThat(got).as(column).isEqualTo(value);
            }
        });
        softly.assertAll();
    }
}
