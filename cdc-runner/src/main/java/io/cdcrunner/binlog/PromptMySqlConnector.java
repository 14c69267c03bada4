package io.cdcrunner.binlog;

import java.util.List;

import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceRecord;

import io.debezium.config.Configuration;
import io.debezium.connector.mysql.MySqlConnector;
import io.debezium.connector.mysql.MySqlConnectorTask;
import io.debezium.connector.mysql.MySqlOffsetContext;
import io.debezium.connector.mysql.MySqlPartition;
import io.debezium.pipeline.ChangeEventSourceCoordinator;

/** Debezium's MySQL connector, its task polling through {@link PromptPolling}. Everything else is Debezium's. */
public final class PromptMySqlConnector extends MySqlConnector {

    @Override
    public Class<? extends Task> taskClass() {
        return PromptTask.class;
    }

    /** Created by the engine. */
    public static final class PromptTask extends MySqlConnectorTask {

        private final PromptPolling polling = new PromptPolling();

        @Override
        public ChangeEventSourceCoordinator<MySqlPartition, MySqlOffsetContext> start(Configuration configuration) {
            ChangeEventSourceCoordinator<MySqlPartition, MySqlOffsetContext> coordinator = super.start(configuration);
            polling.install(this);
            return coordinator;
        }

        @Override
        public List<SourceRecord> doPoll() throws InterruptedException {
            polling.awaitEvents();
            return super.doPoll();
        }
    }
}
