package io.cdcrunner.binlog;

import java.util.Properties;

import io.cdcrunner.debezium.Connectors;
import io.cdcrunner.mapping.RecordMapper;
import io.cdcrunner.source.SourceAccess;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.config.SourceSettings;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.state.StateStore;

/** Translates the daemon's configuration into the embedded Debezium engine's properties. */
public final class EngineProperties {

    private EngineProperties() {
    }

    public static Properties build(RunnerConfig config, ServerFlavor flavor, StateStore state, SnapshotMode mode) {
        return build(config, flavor, state, mode, false);
    }

    /**
     * @param backfills whether the server has GTIDs to watermark backfills with: the engine then takes incremental
     *                  snapshots in their read-only form, asked for through its in-process signal channel, and
     *                  reports on them to the daemon ({@code io.cdcrunner.binlog.backfill.Backfills})
     */
    public static Properties build(RunnerConfig config, ServerFlavor flavor, StateStore state, SnapshotMode mode,
                                   boolean backfills) {
        SourceSettings source = config.source();
        Properties p = new Properties();
        p.setProperty("name", config.pipelineName());
        p.setProperty("connector.class", Connectors.connectorClass(flavor));
        p.setProperty("topic.prefix", config.pipelineName());

        state.configureEngine(p);
        p.setProperty("offset.flush.interval.ms", String.valueOf(config.offsetFlushInterval().toMillis()));
        // A statement the parser cannot read must not stop the engine when it is outside the capture; the daemon
        // sees every skip (SkippedStatementFilter) and stops or reloads the definitions when a captured table is involved.
        p.setProperty("schema.history.internal.skip.unparseable.ddl", "true");

        SourceAccess.of(source).engineProperties(flavor).forEach(p::setProperty);
        p.setProperty("database.server.id", String.valueOf(source.serverId()));
        p.setProperty("connect.timeout.ms", String.valueOf(source.connectTimeout().toMillis()));
        if (!source.databases().isEmpty()) {
            p.setProperty("database.include.list", String.join(",", source.databases()));
        }
        if (!source.tables().isEmpty()) {
            p.setProperty("table.include.list", String.join(",", source.tables()));
        }

        p.setProperty("snapshot.mode", mode.debeziumName());
        // DROP TABLE and DROP DATABASE reach the daemon only as schema-change records (see schema.TableEvents).
        p.setProperty("include.schema.changes", String.valueOf(source.operations().contains(Operation.DROP)));
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("skipped.operations", Connectors.skippedOperations(source.operations()));
        // Lets a busy server with idle captured tables still move the recorded offset forward.
        p.setProperty("heartbeat.interval.ms", "5000");
        // Notice a dead binlog connection (server restarted) within seconds rather than the default minute.
        p.setProperty("connect.keep.alive.interval.ms", "3000");

        p.setProperty("poll.interval.ms", String.valueOf(config.engine().pollInterval().toMillis()));
        p.setProperty("max.batch.size", String.valueOf(config.engine().maxBatchSize()));
        p.setProperty("max.queue.size", String.valueOf(config.engine().maxQueueSize()));
        // Read by the daemon's own queue bound (PromptPolling), not by Debezium's max.queue.size.in.bytes.
        p.setProperty(Connectors.MAX_QUEUE_BYTES, String.valueOf(config.engine().maxQueueBytes()));
        // The daemon judges the recorded position before every start (ResumeCheck): the connector's check is off.
        p.setProperty(Connectors.RESUME_CHECKED, "true");

        if (backfills) {
            // Chunks between two GTID watermarks read from the server: nothing is written to the source.
            p.setProperty("read.only", "true");
            p.setProperty("signal.enabled.channels", "in-process");
            // Signals wait in memory: polling them often makes a request or a stop prompt.
            p.setProperty("signal.poll.interval.ms", "100");
            p.setProperty("notification.enabled.channels", io.cdcrunner.binlog.backfill.BackfillNotifications.CHANNEL);
            p.setProperty("incremental.snapshot.chunk.size", String.valueOf(config.backfill().chunkSize()));
        }

        RecordMapper.connectorProperties().forEach(p::setProperty);
        config.debeziumOverrides().forEach(p::setProperty);
        return p;
    }
}
