package io.cdcrunner.processor;

import javax.sql.DataSource;

/** What the daemon gives a processor in {@link EventProcessor#open}. */
public interface ProcessorContext {

    /** The pipeline's name ({@code pipeline.name}), for logs and metric tags. */
    String pipelineName();

    /** The processor's own configuration keys. */
    ProcessorConfig config();

    /**
     * A pooled JDBC data source for the processor's queries and writes. It points at
     * {@code processor.jdbc.url} when set, else at the source database. Its connections use READ COMMITTED
     * isolation. The daemon owns and closes it.
     */
    DataSource dataSource();
}
