package io.cdcrunner.processor.builtin;

import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import io.cdcrunner.processor.ProcessorConfig;
import io.cdcrunner.processor.ProcessorContext;

/** A {@link ProcessorContext} for tests without a database: asking for the data source fails the test. */
final class TestContexts {

    private TestContexts() {
    }

    static ProcessorContext withoutDatabase(ProcessorConfig config) {
        return new ProcessorContext() {
            @Override
            public String pipelineName() {
                return "test";
            }

            @Override
            public ProcessorConfig config() {
                return config;
            }

            @Override
            public DataSource dataSource() {
                throw new AssertionError("this test must not touch the database");
            }
        };
    }

    static ProcessorContext withoutDatabase(Map<String, String> config) {
        return withoutDatabase(new ProcessorConfig(config));
    }

    /** A context of pipeline {@code pipelineName}, with {@code processor.ordering.column} set when not null. */
    static ProcessorContext withoutDatabase(String pipelineName, ProcessorConfig config, String orderingColumn) {
        return new ProcessorContext() {
            @Override
            public String pipelineName() {
                return pipelineName;
            }

            @Override
            public ProcessorConfig config() {
                return config;
            }

            @Override
            public Optional<String> orderingColumn() {
                return Optional.ofNullable(orderingColumn);
            }

            @Override
            public DataSource dataSource() {
                throw new AssertionError("this test must not touch the database");
            }
        };
    }
}
