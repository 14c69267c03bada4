package io.cdcrunner.debezium;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.YearMonth;

/**
 * Impossible dates such as {@code '2020-02-31'}, which a server stores in {@code DATE} and {@code DATETIME} columns
 * under {@code sql_mode=ALLOW_INVALID_DATES} (month 1-12 and day 1-31 are all it checks).
 *
 * <p>The engine's binlog reader decodes every row event on the server, captured table or not, and fails on such a
 * date ({@code LocalDate.of} throws): one row anywhere would stop the pipeline for good; and an initial snapshot reads
 * it through the JDBC driver as the next real date, without a word. {@link ImpossibleDatesPatch} teaches both to pass the date on as a <em>marker</em> instead, a date no server can hold (its year below
 * {@value #MARKER_YEAR}) from which the date as written is read back ({@link #written}). A row of a table outside the
 * capture is then dropped as any other; a captured row holding a marker cannot be mapped
 * ({@code io.cdcrunner.mapping.ValueConverters}): it follows {@code processor.on.failure}, its error naming the column and the date, and
 * no processor ever sees a made-up value. Every other date decodes as Debezium's decoder does it (zero parts give
 * {@code null}); the stream cannot be read twice, so the three date layouts are decoded here.
 * MySQL's compressed transactions ({@code binlog_transaction_compression=ON}) are decoded the same way.
 */
public final class ImpossibleDates {

    /** Markers lie below this year: its encoding of {@code y-m-d} is {@code (MARKER_YEAR - 12y - (m - 1))-01-d}. */
    static final int MARKER_YEAR = -20_000;

    private ImpossibleDates() {
    }

    /** Whether {@code date} is a marker (no server's DATE or DATETIME is before year 0). */
    public static boolean isMarker(LocalDate date) {
        return date.getYear() <= MARKER_YEAR;
    }

    /** The date a marker stands for, as the server writes it: {@code 2020-02-31}. */
    public static String written(LocalDate marker) {
        int encoded = MARKER_YEAR - marker.getYear();
        return String.format("%04d-%02d-%02d", encoded / 12, encoded % 12 + 1, marker.getDayOfMonth());
    }

    /** The error a captured row with an impossible date maps to. */
    public static IllegalArgumentException unmappable(LocalDate marker) {
        return new IllegalArgumentException("the impossible date " + written(marker) + " (stored under sql_mode="
                + "ALLOW_INVALID_DATES) has no Java date: correct the row on the server, or write real dates only "
                + "(remove ALLOW_INVALID_DATES from sql_mode)");
    }

    static LocalDate marker(int year, int month, int day) {
        return LocalDate.of(MARKER_YEAR - (year * 12 + month - 1), 1, day);
    }

    /** A date the server stores under ALLOW_INVALID_DATES that no calendar has; zero parts are not impossible. */
    static boolean isImpossible(int year, int month, int day) {
        return year > 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31
                && day > YearMonth.of(year, month).lengthOfMonth();
    }

    /**
     * The marker of an impossible date in the text the server sends for a DATE ({@code 2020-02-30}) or a DATETIME
     * ({@code 2020-02-30 10:00:00.5}), or null when the text is no impossible date.
     */
    static Object markerOf(String text) {
        if (text.length() < 10 || text.charAt(4) != '-' || text.charAt(7) != '-') {
            return null;
        }
        int year;
        int month;
        int day;
        try {
            year = Integer.parseInt(text, 0, 4, 10);
            month = Integer.parseInt(text, 5, 7, 10);
            day = Integer.parseInt(text, 8, 10, 10);
        } catch (NumberFormatException e) {
            return null;
        }
        if (!isImpossible(year, month, day)) {
            return null;
        }
        LocalDate marker = marker(year, month, day);
        return text.length() > 11 ? LocalDateTime.of(marker, LocalTime.parse(text.substring(11))) : marker;
    }
}
