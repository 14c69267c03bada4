package io.cdcrunner.engine;

import java.util.List;

import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceRecord;

import io.debezium.config.Configuration;
import io.debezium.connector.mariadb.MariaDbConnector;
import io.debezium.connector.mariadb.MariaDbConnectorTask;
import io.debezium.connector.mariadb.MariaDbOffsetContext;
import io.debezium.connector.mariadb.MariaDbPartition;
import io.debezium.pipeline.ChangeEventSourceCoordinator;

/** Debezium's MariaDB connector, its task polling through {@link PromptPolling}. Everything else is Debezium's. */
public final class PromptMariaDbConnector extends MariaDbConnector {

    @Override
    public Class<? extends Task> taskClass() {
        return PromptTask.class;
    }

    /** Created by the engine. */
    public static final class PromptTask extends MariaDbConnectorTask {

        private final PromptPolling polling = new PromptPolling();

        @Override
        protected ChangeEventSourceCoordinator<MariaDbPartition, MariaDbOffsetContext> start(Configuration configuration) {
            ChangeEventSourceCoordinator<MariaDbPartition, MariaDbOffsetContext> coordinator = super.start(configuration);
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
