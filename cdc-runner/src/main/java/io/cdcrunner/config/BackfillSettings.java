package io.cdcrunner.config;

/**
 * How rows already in a table are read again while streaming goes on (backfills): the {@code backfill.*} keys and
 * {@code source.new.tables}.
 *
 * @param chunkSize {@code backfill.chunk.size}: rows read per chunk, in primary-key order
 * @param newTables {@code source.new.tables}: what a start does about tables {@code source.tables} (or
 *                  {@code source.databases}) selects that it did not select at the previous start
 */
public record BackfillSettings(int chunkSize, NewTables newTables) {

    /** What a start does about tables newly selected by the configuration. */
    public enum NewTables {
        /** Their changes are processed from the start on, their existing rows are not (the behaviour before backfills). */
        STREAM,
        /** Their existing rows are backfilled while streaming goes on, as a {@code cdc-runner snapshot} of them would. */
        BACKFILL
    }

    public BackfillSettings {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize must be positive");
        }
        java.util.Objects.requireNonNull(newTables, "newTables");
    }
}
