package io.cdcrunner.binlog;

/** The Debezium {@code snapshot.mode} a start uses; chosen by {@link StartPlan}. */
public enum SnapshotMode {
    /** Schema only; stream from the recorded offset. The normal restart. */
    NO_DATA("no_data"),
    /** Capture the current schema, then stream from a seeded offset (first start, or lost history). */
    RECOVERY("recovery"),
    /** Read the rows already in the included tables, then stream. */
    INITIAL("initial"),
    /** Snapshot again when the recorded position is gone from the server (binlog purged). */
    WHEN_NEEDED("when_needed");

    private final String debeziumName;

    SnapshotMode(String debeziumName) {
        this.debeziumName = debeziumName;
    }

    public String debeziumName() {
        return debeziumName;
    }
}
