/**
 * Every change cdc-runner makes to Debezium and to its binlog client, and the plug-ins Debezium or a Kafka Connect
 * worker loads by name. Nothing outside this package reaches into Debezium by reflection (ArchitectureTest), every
 * field a patch reaches is resolved through {@link io.cdcrunner.debezium.Reflect}, which names the class, the field
 * and the patch when an upgrade moves one, and {@code DebeziumPatchesTest} resolves each of them.
 *
 * <p>The patches, each installed by the connector tasks below and each leaving the engine as Debezium made it, with
 * a WARN, when its field is gone:
 * <ul>
 * <li>{@link io.cdcrunner.debezium.PromptPolling}: wraps the storage of the task's {@code ChangeEventQueue} so an idle
 *     poll sleeps until an event is queued (not every {@code poll.interval.ms}) and the queue is bounded by bytes
 *     ({@link io.cdcrunner.debezium.QueueByteBound}).</li>
 * <li>{@link io.cdcrunner.debezium.ImpossibleDatesPatch}: replaces the binlog reader's row decoders and the snapshot
 *     connection's field reader so a date stored under {@code ALLOW_INVALID_DATES} becomes a marker
 *     ({@link io.cdcrunner.debezium.ImpossibleDates}) instead of stopping the reader or being read as another date.</li>
 * <li>{@link io.cdcrunner.debezium.MariaDbDdlParser}: puts a parser that reads {@code INET4}/{@code INET6} and refuses
 *     {@code COMPRESSED} columns in place of the MariaDB schema's own.</li>
 * <li>{@link io.cdcrunner.debezium.BinlogColumnTypes}: teaches the binlog client MariaDB's compressed column type
 *     codes, without which any row of such a table stops the reader.</li>
 * <li>{@link io.cdcrunner.debezium.SkippedStatementFilter}: reads the warnings Debezium logs for a statement it skips
 *     (an unparseable DDL statement, a statement-format row change) and hands them to the pipeline.</li>
 * </ul>
 *
 * <p>The plug-ins: the connectors {@link io.cdcrunner.debezium.PromptMySqlConnector} and
 * {@link io.cdcrunner.debezium.PromptMariaDbConnector} ({@code connector.class}, which install the patches), the
 * column converters {@link io.cdcrunner.debezium.UuidColumnConverter} and
 * {@link io.cdcrunner.debezium.InetColumnConverter}, and the snapshot mode
 * {@link io.cdcrunner.debezium.SeededStartSnapshotter}. The offset and schema history stores stay with the binlog
 * source ({@link io.cdcrunner.binlog.OffsetFileStore}, {@link io.cdcrunner.binlog.SharedOffsetStore},
 * {@link io.cdcrunner.binlog.DurableFileSchemaHistory}, {@link io.cdcrunner.binlog.SharedSchemaHistory}): they
 * implement Debezium's interfaces and patch nothing.
 */
package io.cdcrunner.debezium;
