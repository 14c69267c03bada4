package io.cdcrunner.config;

/** Where the first start of a pipeline begins; later starts always resume from the stored offset. */
public enum StartFrom {
    /** Only changes committed after the first start are processed. */
    BINLOG_END,
    /** The rows already present are processed first (as inserts), then the changes after them. */
    SNAPSHOT
}
