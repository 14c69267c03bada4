package io.cdcrunner.mapping;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Decoding of the temporal encodings of Debezium's binlog connectors that need more than a factory call. */
final class TemporalValues {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private TemporalValues() {
    }

    /**
     * The binlog stores YEAR as an offset from 1900 and the binlog client adds 1900 to the zero year too. No YEAR
     * column can hold 1900 (its range is 1901..2155 and 0000), so 1900 is the zero year.
     */
    static Year year(int year) {
        return Year.of(year == 1900 ? 0 : year);
    }

    /** An epoch count in {@code unitsPerSecond} read as a UTC wall clock: Debezium encodes DATETIME that way. */
    static LocalDateTime wallClock(long units, long unitsPerSecond) {
        long seconds = Math.floorDiv(units, unitsPerSecond);
        long fraction = Math.floorMod(units, unitsPerSecond);
        int nanos = (int) (fraction * (NANOS_PER_SECOND / unitsPerSecond));
        return LocalDateTime.ofEpochSecond(seconds, nanos, ZoneOffset.UTC);
    }

    /**
     * A ZonedTimestamp string as an Instant. The binlog connectors always write UTC as
     * {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}; that form is read by hand because {@link DateTimeFormatter} costs
     * microseconds per value. Any other form goes through the formatter.
     */
    static Instant instant(String text) {
        int length = text.length();
        if (length >= 20 && length != 21 && length <= 30 && text.charAt(length - 1) == 'Z' && text.charAt(4) == '-'
                && text.charAt(7) == '-' && text.charAt(10) == 'T' && text.charAt(13) == ':' && text.charAt(16) == ':'
                && (length == 20 || text.charAt(19) == '.')) {
            int year = digits(text, 0, 4);
            int month = digits(text, 5, 7);
            int day = digits(text, 8, 10);
            int hour = digits(text, 11, 13);
            int minute = digits(text, 14, 16);
            int second = digits(text, 17, 19);
            int nanos = 0;
            if (length > 20) {
                nanos = digits(text, 20, length - 1);
                for (int i = length - 1 - 20; i < 9; i++) {
                    nanos *= 10;
                }
            }
            if (year >= 0 && month >= 0 && day >= 0 && hour >= 0 && minute >= 0 && second >= 0 && nanos >= 0) {
                return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC);
            }
        }
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(text, Instant::from);
    }

    /** As {@link #instant}, but null for the zero TIMESTAMP (the epoch, which no real TIMESTAMP holds). */
    static Instant instantOrNullIfZero(String text) {
        Instant instant = instant(text);
        return Instant.EPOCH.equals(instant) ? null : instant;
    }

    /** The decimal number in {@code text[from, to)}, or -1 if a character there is not a digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            int digit = text.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }
}
