package io.cdcrunner.debezium;

/**
 * Told about each binlog statement the engine passed over, on the thread that read it and before the engine reads
 * on. A listener decides whether the pipeline may go on.
 */
public interface SkippedStatementListener {

    /** A DDL statement the engine's parser could not read. */
    void unparseableDdl(String statement);

    /**
     * An {@code INSERT}, {@code UPDATE}, {@code DELETE} or {@code REPLACE} written as a statement, not as row images:
     * its session ran with {@code binlog_format=STATEMENT} (or {@code MIXED}). The engine cannot read its rows.
     */
    void rowlessDml(String statement);
}
