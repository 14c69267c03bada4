package io.cdcrunner.core;

/**
 * The binlog position a source has recorded as finished up to: every event before it was processed, so ledger
 * entries of those events may go ({@link io.cdcrunner.delivery.Ledger#pruneBefore}).
 */
public record RecordedPosition(String file, long position) {
}
