package io.cdcrunner.debezium;

import java.util.List;

import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceRecord;

import io.debezium.config.CommonConnectorConfig;
import io.debezium.config.Configuration;
import io.debezium.connector.mysql.MySqlConnector;
import io.debezium.connector.mysql.MySqlConnectorConfig;
import io.debezium.connector.mysql.MySqlConnectorTask;
import io.debezium.connector.mysql.MySqlOffsetContext;
import io.debezium.connector.mysql.MySqlPartition;
import io.debezium.function.LogPositionValidator;
import io.debezium.pipeline.ChangeEventSourceCoordinator;
import io.debezium.pipeline.spi.Offsets;
import io.debezium.schema.DatabaseSchema;
import io.debezium.spi.snapshot.Snapshotter;

/**
 * Debezium's MySQL connector, its task polling through {@link PromptPolling} (which also bounds its queue by bytes)
 * and its binlog reader knowing impossible
 * dates ({@link ImpossibleDatesPatch}). Everything else is Debezium's.
 */
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
            polling.install(this, PromptPolling.maxQueueBytes(configuration));
            ImpossibleDatesPatch.install(coordinator, ImpossibleDatesPatch.capture(new MySqlConnectorConfig(configuration)));
            return coordinator;
        }

        /** The last step before the engine snapshots or streams: its snapshot connection is taught here. */
        @Override
        protected void validateSchemaHistory(CommonConnectorConfig config, LogPositionValidator logPositionValidator,
                Offsets<MySqlPartition, MySqlOffsetContext> previousOffsets, DatabaseSchema schema,
                Snapshotter snapshotter) {
            ImpossibleDatesPatch.installSnapshotReader(this, config);
            super.validateSchemaHistory(config, ResumeChecked.validator(config, logPositionValidator), previousOffsets,
                    schema, snapshotter);
        }

        @Override
        public List<SourceRecord> doPoll() throws InterruptedException {
            polling.awaitEvents();
            try {
                return super.doPoll();
            } finally {
                polling.pollEnded();
            }
        }
    }
}
