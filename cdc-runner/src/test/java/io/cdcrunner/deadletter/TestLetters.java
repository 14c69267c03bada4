package io.cdcrunner.deadletter;

import java.time.Duration;
import java.time.Instant;

/** Dead letters for the store tests. */
final class TestLetters {

    static final Instant T0 = Instant.parse("2026-01-02T10:00:00.123456Z");

    private TestLetters() {
    }

    /**
     * Event {@code TestEvents.insert(id)} of pipeline {@code test}, failed {@code attempts} times from T0 + id s;
     * equal for equal arguments (a fixed stack trace).
     */
    static DeadLetter letter(int id, int attempts) {
        Instant first = T0.plus(Duration.ofSeconds(id));
        return new DeadLetter(DeadLetter.idFor("test", TestEvents.insert(id)), "test", TestEvents.insert(id),
                IllegalStateException.class.getName(), "boom " + id,
                "java.lang.IllegalStateException: boom " + id + "\n\tat shop.Processor.process(Processor.java:42)\n",
                attempts, first, first.plusMillis(attempts), null, null);
    }

    /** {@link #letter} as a Kafka source gives it: read at {@code origin} ({@code topic-partition@offset}). */
    static DeadLetter letterAt(int id, String origin) {
        DeadLetter letter = letter(id, 1);
        return new DeadLetter(letter.id(), letter.pipeline(), letter.event(), letter.errorClass(), letter.errorMessage(),
                letter.stackTrace(), letter.attempts(), letter.firstFailedAt(), letter.lastFailedAt(), null, origin);
    }

    static DeadLetter everyType() {
        return DeadLetter.of("test", TestEvents.everyType(),
                new RuntimeException("outer\nsecond line", new java.sql.SQLException("inner 😀")), 5, T0,
                T0.plusSeconds(3));
    }
}
