package io.cdcrunner.deadletter;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Objects;

import io.cdcrunner.config.Redaction;
import io.cdcrunner.processor.ChangeEvent;

/**
 * An event whose last delivery attempt failed, with the error that ended it. Immutable.
 *
 * <p>The {@link #id()} is derived from the pipeline and {@link ChangeEvent#eventId()} only ({@link #idFor}),
 * so the same event failing again, after a restart or a replay, names the same entry and the store
 * replaces it instead of holding it twice. Times are kept to the microsecond (what a database
 * {@code TIMESTAMP(6)} holds), the error message to {@value #MAX_MESSAGE_CHARS} characters and the stack
 * trace to {@value #MAX_STACK_TRACE_CHARS}; longer ones are cut with a note saying so. Both are masked
 * ({@link Redaction}): a configured secret in an exception's message is never stored.
 *
 * @param id            {@code pipeline:eventId}, see {@link #idFor}
 * @param pipeline      {@code pipeline.name} of the pipeline the event failed in
 * @param event         the event, exactly as the processor received it
 * @param errorClass    class name of the exception the last attempt threw
 * @param errorMessage  its message; empty when it had none
 * @param stackTrace    its full stack trace, causes included
 * @param attempts      how many deliveries failed, at least 1
 * @param firstFailedAt when the first attempt failed
 * @param lastFailedAt  when the last attempt failed
 * @param sourceRecord  for a change record the daemon could not map to an event: the record as the engine gave it
 *                      (Connect JSON, see {@link io.cdcrunner.mapping.SourceRecordJson}), from which a replay maps it
 *                      again; {@code event} then holds only what could be told without mapping (operation, table,
 *                      position; no rows). {@code null} for an event the processor failed on
 * @param origin        where the source held the record beside the event's binlog position: a Kafka record's
 *                      {@code topic-partition@offset} ({@code source.type=kafka}); {@code null} for the binlog
 */
public record DeadLetter(String id, String pipeline, ChangeEvent event, String errorClass, String errorMessage,
                         String stackTrace, int attempts, Instant firstFailedAt, Instant lastFailedAt,
                         String sourceRecord, String origin) {

    /** Longest error message kept, in characters. */
    public static final int MAX_MESSAGE_CHARS = 8 * 1024;
    /** Longest stack trace kept, in characters. */
    public static final int MAX_STACK_TRACE_CHARS = 64 * 1024;
    /** Ids longer than this use a digest of the event id instead (snapshot ids hold key values). */
    static final int MAX_READABLE_ID = 255;

    public DeadLetter {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(errorClass, "errorClass");
        // An exception may echo a JDBC URL with its password: no configured secret is stored or shown.
        errorMessage = cap(Redaction.mask(errorMessage), MAX_MESSAGE_CHARS);
        stackTrace = cap(Redaction.mask(stackTrace), MAX_STACK_TRACE_CHARS);
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, not " + attempts);
        }
        firstFailedAt = Objects.requireNonNull(firstFailedAt, "firstFailedAt").truncatedTo(ChronoUnit.MICROS);
        lastFailedAt = Objects.requireNonNull(lastFailedAt, "lastFailedAt").truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * A dead letter for {@code event} of {@code pipeline}, which failed {@code attempts} times, the last
     * time with {@code error}.
     */
    public static DeadLetter of(String pipeline, ChangeEvent event, Throwable error, int attempts,
                                Instant firstFailedAt, Instant lastFailedAt) {
        return of(pipeline, event, error, attempts, firstFailedAt, lastFailedAt, null);
    }

    /** The same, read at {@code origin} (see {@link #origin()}). */
    public static DeadLetter of(String pipeline, ChangeEvent event, Throwable error, int attempts,
                                Instant firstFailedAt, Instant lastFailedAt, String origin) {
        return new DeadLetter(idFor(pipeline, event), pipeline, event, error.getClass().getName(),
                error.getMessage(), stackTraceOf(error), attempts, firstFailedAt, lastFailedAt, null, origin);
    }

    /**
     * A dead letter for a change record that could not be mapped: {@code described} is what could be told of it
     * without mapping, {@code sourceRecord} the record itself.
     */
    public static DeadLetter unmapped(String pipeline, ChangeEvent described, String sourceRecord, Throwable error,
                                      Instant failedAt) {
        return unmapped(pipeline, described, sourceRecord, error, failedAt, null);
    }

    /** The same, read at {@code origin} (see {@link #origin()}). */
    public static DeadLetter unmapped(String pipeline, ChangeEvent described, String sourceRecord, Throwable error,
                                      Instant failedAt, String origin) {
        return new DeadLetter(idFor(pipeline, described), pipeline, described, error.getClass().getName(),
                error.getMessage(), stackTraceOf(error), 1, failedAt, failedAt,
                Objects.requireNonNull(sourceRecord, "sourceRecord"), origin);
    }

    /** True for a change record the daemon could not map (see {@link #sourceRecord()}). */
    public boolean isUnmapped() {
        return sourceRecord != null;
    }

    /**
     * The id of {@code event}'s dead letter in {@code pipeline}: {@code pipeline + ":" + event.eventId()}
     * (e.g. {@code orders:binlog.000003:1234:0}); when that is longer than 255 characters, which only a
     * snapshot row with long key values gives, {@code pipeline + ":sha256:" +} the hex SHA-256 of the event id.
     */
    public static String idFor(String pipeline, ChangeEvent event) {
        String readable = pipeline + ":" + event.eventId();
        if (readable.length() <= MAX_READABLE_ID) {
            return readable;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(event.eventId().getBytes(StandardCharsets.UTF_8));
            return pipeline + ":sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** This dead letter after one more failed attempt, at {@code failedAt}, with {@code error}. */
    public DeadLetter failedAgain(Throwable error, Instant failedAt) {
        return new DeadLetter(id, pipeline, event, error.getClass().getName(), error.getMessage(),
                stackTraceOf(error), attempts + 1, firstFailedAt, failedAt, sourceRecord, origin);
    }

    /** This dead letter with {@code firstFailedAt} moved back to {@code earlier} if that is earlier. */
    DeadLetter firstFailedNoLaterThan(Instant earlier) {
        return earlier.isBefore(firstFailedAt)
                ? new DeadLetter(id, pipeline, event, errorClass, errorMessage, stackTrace, attempts, earlier,
                        lastFailedAt, sourceRecord, origin)
                : this;
    }

    /** {@code errorClass: errorMessage}, or the class alone when there is no message. */
    public String error() {
        return errorMessage.isEmpty() ? errorClass : errorClass + ": " + errorMessage;
    }

    private static String stackTraceOf(Throwable error) {
        StringWriter text = new StringWriter();
        try (PrintWriter writer = new PrintWriter(text)) {
            error.printStackTrace(writer);
        }
        return text.toString();
    }

    private static String cap(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        String note = "\n... (cut here: the full text had " + text.length() + " characters)";
        int end = max - note.length();
        // Never split a surrogate pair: half a character is not valid UTF-8.
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + note;
    }
}
