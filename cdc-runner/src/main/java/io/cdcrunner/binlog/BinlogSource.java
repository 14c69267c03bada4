package io.cdcrunner.binlog;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.errors.Causes;
import io.cdcrunner.binlog.schema.CaptureFilter;
import io.cdcrunner.binlog.schema.TableEvents;
import io.cdcrunner.check.SourceReadiness;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.config.SourceSettings;
import io.cdcrunner.config.StartFrom;
import io.cdcrunner.connector.SourceProbe;
import io.cdcrunner.core.EventSource;
import io.cdcrunner.core.PipelineStartException;
import io.cdcrunner.core.ProcessingHaltedException;
import io.cdcrunner.core.SourceConsumer;
import io.cdcrunner.core.SourceStatus;
import io.cdcrunner.debezium.SkippedStatementFilter;
import io.cdcrunner.mapping.RecordMapper;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.source.FlavorDetector;
import io.cdcrunner.source.ServerInfo.BinlogPosition;
import io.cdcrunner.source.ServerInfo;
import io.cdcrunner.source.SourceAccess;
import io.cdcrunner.state.StateStore;

/**
 * The MySQL/MariaDB binlog through the embedded Debezium engine, as an {@link EventSource}: checks the server and the
 * recorded position before the first start, records the binlog end on a first start, runs the engine (restarting it
 * after a lost connection, {@link EngineSupervisor}), hands its batches over ({@link BinlogBatches}), and judges every
 * statement the engine passes over ({@link SkippedStatementGuard}): a captured table's DDL it cannot parse or a
 * statement-format row change stops reading before it, or reloads the table definitions from the server.
 */
public final class BinlogSource implements EventSource {

    private static final Logger log = LoggerFactory.getLogger(BinlogSource.class);

    private final RunnerConfig config;
    private final CountDownLatch closeRequested = new CountDownLatch(1);
    private StateStore stateDir;
    private ServerFlavor flavor;
    private StartPlan plan;
    /** The tables' rows are read when nothing is recorded: {@code source.start=snapshot}, or a purged position. */
    private boolean snapshotExistingRows;
    private SourceConsumer consumer;
    private BinlogBatches batches;
    private AutoCloseable skippedStatements;
    private volatile EngineSupervisor engine;
    private volatile boolean tightened;
    private LostServerWatch watch;
    /** The last GTIDs read in this process, beyond what the offsets record yet. */
    private final ReadGtids read = new ReadGtids();
    /** Each start of the engine and where the server's binlog ended then, for pruning the ledger. */
    private final ReadRuns runs = new ReadRuns();
    /** Why the server cannot be backfilled (MySQL without GTIDs), or null. */
    private volatile String backfillsUnsupported;
    private io.cdcrunner.binlog.backfill.Backfills backfills;

    public BinlogSource(RunnerConfig config) {
        this.config = config;
    }

    @Override
    public ServerFlavor prepare(Supplier<StateStore> states) {
        this.stateDir = states.get();
        if (!stateDir.offsets().isEmpty()) {
            // What a killed run processed after its last recorded offset: the server must hold that too.
            LedgerGtids.readInto(config, read);
        }
        plan = chooseServerAndPlan();
        return flavor;
    }

    /**
     * Picks the server to read ({@link ServerChoice}: the current one while it qualifies, else another of
     * {@code source.host} that holds everything read), then decides how the engine starts there: at the first start
     * and at every restart after a lost connection. A purged position stops the daemon, or with
     * {@code source.recovery=snapshot} sets the state aside to re-read the tables.
     */
    private synchronized StartPlan chooseServerAndPlan() {
        SourceSettings source = config.source();
        ServerChoice.Chosen chosen = newServerChoice().choose();
        ServerFlavor detected = FlavorDetector.resolve(source, chosen.info()::flavor);
        if (flavor != null && detected != flavor) {
            throw new ServerChoice.Refused("the source " + chosen.server() + " is " + detected + " but the daemon "
                    + "read " + flavor + " so far: every server of source.host must be of one kind");
        }
        flavor = detected;
        backfillsUnsupported = detected == ServerFlavor.MYSQL && !"ON".equalsIgnoreCase(chosen.info().gtidMode())
                ? "backfills need GTIDs: the engine reads each chunk between two GTID watermarks, and "
                + chosen.server() + " has gtid_mode=" + chosen.info().gtidMode() + "; set gtid_mode=ON and"
                + " enforce_gtid_consistency=ON on the source (the signal-table variant, which writes to the source,"
                + " is not supported)"
                : null;
        if (chosen.verdict() instanceof ResumeCheck.Purged purged) {
            if (source.recovery() != SourceSettings.Recovery.SNAPSHOT) {
                throw new ServerChoice.Refused(FailureTranslator.purgedMessage(stateDir) + " (" + purged.what()
                        + " on " + chosen.server() + ")");
            }
            PurgedPositionRecovery.setStateAside(stateDir, purged.what());
            snapshotExistingRows = true;
        } else if (plan == null) {
            snapshotExistingRows = source.start() == StartFrom.SNAPSHOT;
        }
        runs.begin(stateDir.offsets(), chosen.info().position() == null ? null
                : new BinlogPoint(chosen.info().position().file(), chosen.info().position().position()));
        return nextPlan();
    }

    @Override
    public synchronized void start(SourceConsumer consumer) {
        this.consumer = consumer;
        if (plan.seedCurrentPosition()) {
            seedCurrentPosition();
        }
        if (stopping()) {
            throw new PipelineStartException("stopped during start-up");
        }
        backfills = new io.cdcrunner.binlog.backfill.Backfills(config, stateDir, backfillsUnsupported,
                () -> SourceAccess.of(config.source()).connect());
        backfills.open();
        batches = new BinlogBatches(new RecordMapper(), tableEvents(), config.source().operations(),
                new Streaming(consumer), backfills::processed, backfills::finished);
        skippedStatements = SkippedStatementFilter.listen(config.pipelineName(), new SkippedStatementGuard(
                config.pipelineName(), CaptureFilter.of(config.source()), flavor,
                () -> SourceAccess.of(config.source()).connect(), () -> BinlogPoint.recordedIn(stateDir.offsets()),
                new SchemaRecoveries(stateDir), this::onUnreadableStatement,
                consumer.counters()::onRowlessChange));
        engine = new EngineSupervisor(config, flavor, stateDir, batches, closeRequested,
                consumer.counters()::finishedCount, this::chooseServerAndPlan, this::engineEnded,
                backfillsUnsupported == null ? backfills : null);
        engine.start(plan);
        if (config.source().servers().several()) {
            watch = new LostServerWatch(flavor, config.pipelineName(), config.source().moveAfter(), runs::run,
                    this::onServerLost).start();
        }
    }

    /**
     * The binlog connection to the current server stayed lost for {@code source.host.move.after.ms}: finds the server
     * to read now and, when it is another one, restarts the engine there. Pools that follow the source reach the new
     * server from here on, so a processor blocked on the lost one goes on too.
     */
    private void onServerLost(Duration down) {
        EngineSupervisor running = engine;
        if (running == null || stopping() || running.restarting()) {
            return;
        }
        io.cdcrunner.config.SourceServers.Server lost = config.source().servers().current().server();
        log.warn("source: the binlog connection to {} has been lost for {} s; looking for the server to read",
                lost, down.toSeconds());
        ServerChoice.Chosen chosen;
        try {
            chosen = newServerChoice().choose();
        } catch (ServerChoice.Refused e) {
            consumer.failed(new FailureTranslator.PipelineFailure(e.getMessage(), e));
            Thread closer = new Thread(running::close, "cdc-source-refused-" + config.pipelineName());
            closer.setDaemon(true);
            closer.start();
            return;
        } catch (PipelineStartException e) {
            if (!stopping()) {
                log.warn("source: {}", e.getMessage());
            }
            return;
        }
        if (!chosen.server().equals(lost)) {
            running.restartAt(() -> { });
        }
    }

    private ServerChoice newServerChoice() {
        // The ledger names the lost transactions too (LedgerGtids): left there, they would be refused again.
        String acceptLoss = "move the " + stateDir.location() + " aside, delete the pipeline's entries from the ledger"
                + " if the processor keeps one (DELETE FROM " + config.delivery().ledgerTable() + " WHERE pipeline = '"
                + config.pipelineName() + "'), and start with source.start=snapshot";
        return new ServerChoice(config.source(), closeRequested, stateDir::offsets, read::lastOfEach, acceptLoss);
    }

    /** How the engine starts now: the first start, and every restart after a lost connection, by the same rule. */
    private StartPlan nextPlan() {
        return StartPlan.decide(stateDir, snapshotExistingRows,
                config.source().recovery() == SourceSettings.Recovery.SNAPSHOT);
    }

    /**
     * Not connected while no engine runs (between a lost connection and the next start), with why it cannot restart;
     * else the engine's MBean says.
     */
    @Override
    public SourceStatus status() {
        EngineSupervisor running = engine;
        io.cdcrunner.config.SourceServers.Current current = config.source().servers().current();
        Optional<SourceStatus.Server> server = Optional.of(new SourceStatus.Server(current.server().address(),
                current.since(), current.reason()));
        if (running == null) {
            return new SourceStatus(Optional.empty(), Optional.empty(), Optional.empty(), List.of(), server);
        }
        return new SourceStatus(running.restarting() ? Optional.of(false) : Optional.empty(), Optional.empty(),
                running.restartProblem(), List.of(), server);
    }

    /** The consumer, and once the engine streams, the state directory tightened (the engine made its files). */
    private final class Streaming implements SourceConsumer {

        private final SourceConsumer pipeline;

        Streaming(SourceConsumer pipeline) {
            this.pipeline = pipeline;
        }

        @Override
        public void accept(io.cdcrunner.core.SourceBatch batch) throws InterruptedException {
            // A schema capture's records (phase NONE) come before any row, so a batch's last item says whether rows
            // came; a streamed one comes last too.
            java.util.List<io.cdcrunner.core.SourceItem> items = batch.items();
            io.cdcrunner.core.SourceItem.Phase last = items.isEmpty() ? io.cdcrunner.core.SourceItem.Phase.NONE
                    : items.get(items.size() - 1).phase();
            if (last != io.cdcrunner.core.SourceItem.Phase.NONE) {
                // Rows come only once the engine captured the table definitions: the history is complete.
                stateDir.schemaCaptured();
            }
            if (!tightened && last == io.cdcrunner.core.SourceItem.Phase.STREAM) {
                // The engine has created its schema history file by now, with the process's umask.
                tightened = true;
                stateDir.tighten();
            }
            for (io.cdcrunner.core.SourceItem item : items) {
                for (io.cdcrunner.processor.ChangeEvent event : item.events()) {
                    read.read(event.position().gtid());
                    if (event.isBackfill()) {
                        backfills.handedOver(event);
                    }
                }
            }
            pipeline.accept(batch);
        }

        @Override
        public void failed(Throwable reason) {
            pipeline.failed(reason);
        }

        @Override
        public void ended(Throwable failure) {
            pipeline.ended(failure);
        }

        @Override
        public io.cdcrunner.core.PipelineCounters counters() {
            return pipeline.counters();
        }
    }

    /** First start at the binlog end: the position is recorded before the engine starts, so nothing after it is missed. */
    private void seedCurrentPosition() {
        new SourceProbe(config.source(), closeRequested).withConnection(connection -> {
            BinlogPosition position = ServerInfo.currentPosition(connection);
            OffsetSeeder.seedIfAbsent(stateDir, config.pipelineName(), config.pipelineName(),
                    position.file(), position.position(), position.gtidSet());
            log.info("first start: recorded the current binlog end {}:{}{} as the start position",
                    position.file(), position.position(),
                    position.gtidSet() == null ? "" : " (GTIDs " + position.gtidSet() + ")");
            return null;
        });
    }

    /** What turns the engine's schema changes into DROP events; it knows the captured tables now on the server. */
    private TableEvents tableEvents() {
        TableEvents tableEvents = new TableEvents(CaptureFilter.of(config.source()));
        if (config.source().operations().contains(Operation.DROP)) {
            try {
                tableEvents.learnHistory(stateDir.schemaHistory());
            } catch (RuntimeException e) {
                log.warn("cannot read the schema history in the {} for the captured tables it defines ({}); a DROP "
                        + "DATABASE is delivered as DROP events for the tables known otherwise", stateDir.location(),
                        e.getMessage());
            }
            try (Connection connection = SourceAccess.of(config.source()).connect()) {
                tableEvents.learnCatalog(connection);
            } catch (SQLException e) {
                log.warn("cannot list the captured tables ({}): a DROP DATABASE will be delivered as DROP events only "
                        + "for the tables the schema history defines or DDL statements create", e.getMessage());
            }
        }
        return tableEvents;
    }

    /**
     * A statement the engine could not read may concern a captured table (a DDL statement it cannot parse, a row
     * change logged as a statement). Runs on the binlog thread, which stays here until the records before the
     * statement are processed, so that nothing after it is read meanwhile; then the engine is closed, to start again
     * with the server's definitions or to stay stopped.
     */
    private void onUnreadableStatement(SkippedStatementGuard.Decision decision) {
        batches.fenceAt(decision);
        Duration quiet = Duration.ofMillis(Math.max(500, 4 * config.engine().pollInterval().toMillis()));
        boolean drained;
        try {
            drained = batches.awaitDrained(quiet, config.shutdownTimeout(), this::stopping);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = false;
        }
        EngineSupervisor running = engine;
        if (running == null || stopping()) {
            return;
        }
        if (decision.recover() && drained) {
            running.reloadSchemaAt(decision, batches::clearFence);
            return;
        }
        if (decision.action() == SkippedStatementGuard.Decision.Action.RETRY) {
            // The source went away while the statement was judged: start again at the recorded position, which
            // reads it again (the engine's own reconnecting covers an outage that lasts).
            log.warn("pipeline '{}': {}; restarting the engine to judge the statement again", config.pipelineName(),
                    decision.reason());
            running.restartAt(batches::clearFence);
            return;
        }
        // Reloading the definitions is right only once every record before the statement is processed: if they
        // did not finish (a pause, a slow processor), stop instead; they come again at the next start.
        String reason = decision.recover() ? "the events before it did not finish within " + config.shutdownTimeout()
                .toMillis() + " ms (paused, or a slow processor), so the definitions cannot be reloaded right after it"
                : decision.reason();
        consumer.failed(new FailureTranslator.PipelineFailure(
                decision.change().stopMessage(reason, stateDir.location()), null));
        Thread closer = new Thread(running::close, "cdc-schema-stop-" + config.pipelineName());
        closer.setDaemon(true);
        closer.start();
    }

    /** The engine ended for good: cleanly (null) or with a failure a restart cannot fix. */
    private void engineEnded(Throwable error) {
        closeBackfills();
        closeSkippedStatements();
        closeWatch();
        consumer.ended(error == null ? null : FailureTranslator.translate(rootHalt(error), stateDir));
    }

    private static Throwable rootHalt(Throwable error) {
        for (Throwable t : Causes.chain(error)) {
            if (t instanceof ProcessingHaltedException) {
                return t;
            }
        }
        return error;
    }

    private boolean stopping() {
        return closeRequested.getCount() == 0;
    }

    @Override
    public java.util.Optional<io.cdcrunner.core.RecordedPosition> recordedPosition() {
        StateStore state = stateDir;
        if (state == null) {
            return java.util.Optional.empty();
        }
        java.util.Map<String, String> offsets = state.offsets();
        return BinlogPoint.recordedIn(offsets).map(point -> runs.position(offsets, point));
    }

    @Override
    public void close() {
        closeRequested.countDown();
        closeWatch();
        EngineSupervisor running = engine;
        if (running != null) {
            running.close();
        }
    }

    @Override
    public void shutdownNow() {
        closeBackfills();
        closeSkippedStatements();
        EngineSupervisor running = engine;
        if (running != null) {
            running.shutdownNow();
        }
    }

    private synchronized void closeBackfills() {
        if (backfills != null) {
            backfills.close();
        }
    }

    private synchronized void closeWatch() {
        if (watch != null) {
            watch.close();
            watch = null;
        }
    }

    private synchronized void closeSkippedStatements() {
        if (skippedStatements != null) {
            try {
                skippedStatements.close();
            } catch (Exception e) {
                log.debug("closing the skipped-statement listener: {}", e.toString());
            }
            skippedStatements = null;
        }
    }
}
