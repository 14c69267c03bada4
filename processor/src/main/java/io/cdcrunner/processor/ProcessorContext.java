package io.cdcrunner.processor;

import java.util.EnumSet;
import java.util.Set;

import javax.sql.DataSource;

/** What the daemon gives a processor in {@link EventProcessor#open}. */
public interface ProcessorContext {

    /** The pipeline's name ({@code pipeline.name}), for logs and metric tags. */
    String pipelineName();

    /** The processor's own configuration keys. */
    ProcessorConfig config();

    /**
     * The operations the daemon delivers ({@code source.operations}); others never reach {@link EventProcessor#process}.
     * A processor that needs some to stay correct checks them in {@link EventProcessor#open}.
     */
    default Set<Operation> operations() {
        return EnumSet.allOf(Operation.class);
    }

    /**
     * The column whose value orders events across rows ({@code processor.ordering.column}, e.g. a family column), when
     * set: events sharing its value are processed in commit order, one group per value and batch for a
     * {@link GroupProcessor}. Empty when events are ordered per row (table + primary key).
     */
    default java.util.Optional<String> orderingColumn() {
        return java.util.Optional.empty();
    }

    /**
     * A pooled JDBC data source for the processor's queries and writes. It points at
     * {@code processor.jdbc.url} when set, else at the source database. Its connections use READ COMMITTED
     * isolation. The daemon owns and closes it.
     */
    DataSource dataSource();

    /**
     * A pooled JDBC data source for the processor's reads: {@code processor.read.url} when set (typically a
     * replica), else the same object as {@link #dataSource()}. READ COMMITTED; the daemon owns and closes it.
     *
     * <p><b>Read-your-writes guarantee.</b> When {@link EventProcessor#process} runs for an event, a query
     * started through this data source sees the event's transaction and every transaction the source
     * committed before it, even on a replica that lags behind. Before the processor runs, the daemon waits
     * (once per batch of events, not per event) until the read server has applied the event, as configured by
     * {@code processor.read.visibility}: by GTID on replicas and on MySQL with GTIDs, by a locking read of the
     * event's row on a primary. The guarantee is weaker with {@code row-poll} (the event's own row only) and
     * absent with {@code off}. A wait longer than {@code processor.read.visibility.timeout.ms} fails the
     * attempt, which is retried like any failure: the processor never runs on a read server that is behind.
     *
     * <p>Point {@code processor.read.url} at one server, not at a load balancer over several replicas: the
     * guarantee holds for the server the daemon waited on, and later queries on it never see older state.
     */
    default DataSource readDataSource() {
        return dataSource();
    }
}
