package io.cdcrunner.debezium;

import java.util.List;

import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceRecord;

import io.debezium.config.CommonConnectorConfig;
import io.debezium.config.Configuration;
import io.debezium.connector.binlog.BinlogDatabaseSchema;
import io.debezium.connector.mariadb.MariaDbConnector;
import io.debezium.connector.mariadb.MariaDbConnectorConfig;
import io.debezium.connector.mariadb.MariaDbConnectorTask;
import io.debezium.connector.mariadb.MariaDbOffsetContext;
import io.debezium.connector.mariadb.MariaDbPartition;
import io.debezium.function.LogPositionValidator;
import io.debezium.pipeline.ChangeEventSourceCoordinator;
import io.debezium.pipeline.spi.Offsets;
import io.debezium.schema.DatabaseSchema;
import io.debezium.spi.snapshot.Snapshotter;

/**
 * Debezium's MariaDB connector, its task polling through {@link PromptPolling} (which also bounds its queue by bytes),
 * parsing DDL with {@link MariaDbDdlParser}, and its binlog reader knowing MariaDB's compressed column types
 * ({@link BinlogColumnTypes}) and impossible dates ({@link ImpossibleDatesPatch}). Everything else is Debezium's.
 */
public final class PromptMariaDbConnector extends MariaDbConnector {

    @Override
    public Class<? extends Task> taskClass() {
        return PromptTask.class;
    }

    /** Created by the engine. */
    public static final class PromptTask extends MariaDbConnectorTask {

        static {
            BinlogColumnTypes.teachCompressedTypes();
        }

        private final PromptPolling polling = new PromptPolling();

        @Override
        protected ChangeEventSourceCoordinator<MariaDbPartition, MariaDbOffsetContext> start(Configuration configuration) {
            ChangeEventSourceCoordinator<MariaDbPartition, MariaDbOffsetContext> coordinator = super.start(configuration);
            polling.install(this, PromptPolling.maxQueueBytes(configuration));
            ImpossibleDatesPatch.install(coordinator, ImpossibleDatesPatch.capture(new MariaDbConnectorConfig(configuration)));
            return coordinator;
        }

        /** The last step before the schema history is read: the parser is replaced here, before its first use. */
        @Override
        protected void validateSchemaHistory(CommonConnectorConfig config, LogPositionValidator logPositionValidator,
                Offsets<MariaDbPartition, MariaDbOffsetContext> previousOffsets, DatabaseSchema schema,
                Snapshotter snapshotter) {
            MariaDbDdlParser.install((BinlogDatabaseSchema<?, ?, ?, ?>) schema);
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
