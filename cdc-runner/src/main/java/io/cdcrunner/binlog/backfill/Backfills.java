package io.cdcrunner.binlog.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcrunner.binlog.schema.CaptureFilter;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.state.StateStore;
import io.debezium.engine.DebeziumEngine;
import io.debezium.pipeline.notification.Notification;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pipeline's backfills: rows already in captured tables read again while streaming goes on, by the engine's
 * incremental snapshot in its read-only form (chunks in primary-key order between two GTID watermarks, nothing written
 * to the source). A run is asked for over JMX ({@code cdc-runner snapshot}) or by a start that finds tables newly
 * selected ({@code source.new.tables=backfill}); it is recorded in the state store first ({@link BackfillLog}), then
 * signalled to the engine, whose offsets carry it from its first delivered chunk on: a restart, a crash or another
 * instance taking over resumes it at its last recorded chunk, and a run the engine had not recorded yet is signalled
 * again. A run ends once the engine read its last chunk and the recorded offset no longer carries it, that is once
 * every row it delivered was processed. One run reads at a time; others queue behind it.
 */
public final class Backfills implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Backfills.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);
    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("'b'yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The engine's offset key naming the running incremental snapshot. */
    static final String RUN_OFFSET_KEY = io.cdcrunner.mapping.RecordMapper.BACKFILL_RUN_OFFSET_KEY;

    /** Opens a connection to the source, for checking requests and estimating sizes. */
    public interface SourceConnector {
        Connection connect() throws SQLException;
    }

    private final RunnerConfig config;
    private final StateStore state;
    private final String unsupported;
    private final SourceConnector source;
    private final Consumer<Notification> listener = this::onNotification;
    private BackfillLog record;
    private ScheduledExecutorService ticker;
    private ObjectName mbeanName;

    /** The engine run signals go to; null while none runs. */
    private volatile EngineRun engine;
    private long engineRuns;
    /** The engine run the active backfill was last signalled to (or found resuming in). */
    private long handledEngineRun = -1;
    /** The engine read the active run's last chunk (or stopped it) in this process. */
    private volatile String scanFinishedFor;
    private final AtomicLong handedOver = new AtomicLong();
    private final AtomicLong processed = new AtomicLong();
    private final Map<String, AtomicLong> rowsByTable = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> chunksByTable = new ConcurrentHashMap<>();
    /** Rows counted before this process (from the record), and when this process began counting. */
    private Instant countingSince;
    private long rowsAtCountingStart;
    private Instant lastProgressLog = Instant.EPOCH;
    /** The processed count the record last got. */
    private long lastPersisted = -1;

    private record EngineRun(long number, Supplier<DebeziumEngine.Signaler> signaler) {
    }

    /**
     * @param unsupported why this source cannot be backfilled (no GTIDs), or null when it can
     */
    public Backfills(RunnerConfig config, StateStore state, String unsupported, SourceConnector source) {
        this.config = config;
        this.state = state;
        this.unsupported = unsupported;
        this.source = source;
    }

    /**
     * Reads the backfill record, asks for a backfill of newly selected tables when {@code source.new.tables=backfill},
     * records what the configuration selects now, and starts serving JMX and reporting progress.
     */
    public synchronized void open() {
        record = BackfillLog.read(state);
        newTables();
        BackfillNotifications.register(config.pipelineName(), listener);
        record.active().ifPresent(run -> log.info("pipeline '{}': backfill {} of {} is {}; it goes on once the engine"
                + " runs", config.pipelineName(), run.id(), String.join(", ", run.tables()),
                run.state().name().toLowerCase(Locale.ROOT)));
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cdc-backfill-" + config.pipelineName());
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(this::tickSafely, 1, 1, TimeUnit.SECONDS);
        registerMBean();
    }

    /** The engine's task started: signals can reach it (the engine's in-process channel). */
    public void engineStarted(Supplier<DebeziumEngine.Signaler> signaler) {
        synchronized (this) {
            engine = new EngineRun(++engineRuns, signaler);
            // What the last engine said about the run does not hold for this one.
            scanFinishedFor = null;
            rowsScanned.set(0);
        }
        tickSafely();
    }

    /** The engine's task stopped: signals wait for the next one. */
    public synchronized void engineStopped() {
        engine = null;
    }

    /** A backfilled row was handed to the pipeline. */
    public void handedOver(ChangeEvent event) {
        if (isActive(event)) {
            handedOver.incrementAndGet();
        }
    }

    /** A backfilled row was processed (its offset may be recorded now). */
    public void processed(ChangeEvent event) {
        if (isActive(event)) {
            processed.incrementAndGet();
            rowsByTable.computeIfAbsent(event.qualifiedTable(), t -> new AtomicLong()).incrementAndGet();
        }
    }

    /**
     * A record the pipeline finished, in source order, with the offset the engine gave it: the run is done once the
     * engine read its last chunk and a record after every row it delivered was processed, one whose offset no longer
     * carries it (the engine keeps the run in the offsets of every record while it runs, heartbeats included).
     */
    public void finished(java.util.Map<String, ?> offset) {
        String run = activeId;
        if (run == null || offset == null) {
            return;
        }
        Object carried = offset.get(RUN_OFFSET_KEY);
        if (carried != null) {
            if (run.equals(carried.toString())) {
                processedCarrying = true;
            }
        } else if (processedCarrying && run.equals(scanFinishedFor)) {
            processedPast = true;
        }
    }

    /** A finished record carried the active run; one after the engine finished reading it no longer did. */
    private volatile boolean processedCarrying;
    private volatile boolean processedPast;
    /** Rows the engine read for the active run in this engine run (its table scans' totals). */
    private final AtomicLong rowsScanned = new AtomicLong();

    private boolean isActive(ChangeEvent event) {
        String run = event.position().backfill();
        return run != null && run.equals(activeId);
    }

    private volatile String activeId;

    /**
     * Asks for a backfill of {@code tables} ({@code database.table} each) with an optional condition.
     *
     * @return a line naming the run
     * @throws IllegalArgumentException naming what is wrong with the request and the fix
     */
    public String request(List<String> tables, String where, String reason) {
        if (unsupported != null) {
            throw new IllegalArgumentException(unsupported);
        }
        String condition = where == null || where.isBlank() ? null : where.strip();
        List<String> resolved = validate(tables, condition);
        synchronized (this) {
            Instant now = Instant.now();
            BackfillRun run = BackfillRun.queued(newRunId(now), resolved, condition, reason, now);
            Optional<BackfillRun> ahead = record.active();
            save(run);
            log.info("pipeline '{}': backfill {} of {}{} asked for ({}){}", config.pipelineName(), run.id(),
                    String.join(", ", resolved), condition == null ? "" : " where " + condition, reason,
                    ahead.map(a -> "; it starts after " + a.id()).orElse(""));
            tickSafely();
            return "backfill " + run.id() + " of " + String.join(", ", resolved)
                    + ahead.map(a -> " queued behind " + a.id()).orElse(" started");
        }
    }

    /** Stops the run in progress and drops the queued ones. */
    public synchronized String stop() {
        List<BackfillRun> open = record.runs().stream().filter(r -> !r.state().isFinal()).toList();
        if (open.isEmpty()) {
            return "no backfill is running";
        }
        Instant now = Instant.now();
        List<String> stopped = new ArrayList<>();
        for (BackfillRun run : open) {
            if (run.state() == BackfillRun.State.RUNNING || run.state() == BackfillRun.State.STOPPING) {
                save(run.withState(BackfillRun.State.STOPPING, now));
                stopped.add(run.id());
                EngineRun running = engine;
                if (running != null && handledEngineRun == running.number()) {
                    signal(running, new DebeziumEngine.Signal(run.id() + "-stop", "stop-snapshot",
                            "{\"type\":\"INCREMENTAL\"}", null));
                }
            } else {
                save(run.withState(BackfillRun.State.STOPPED, now));
                stopped.add(run.id() + " (queued)");
            }
        }
        log.info("pipeline '{}': backfill stop asked for: {}", config.pipelineName(), String.join(", ", stopped));
        return "stopping " + String.join(", ", stopped) + "; rows already delivered stay delivered";
    }

    /** The record's runs, for tests and status. */
    public synchronized List<BackfillRun> runs() {
        return record.runs();
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.warn("pipeline '{}': backfill bookkeeping: {}", config.pipelineName(), e.getMessage());
        }
    }

    private synchronized void tick() {
        Optional<BackfillRun> active = record.active();
        if (active.isEmpty()) {
            activeId = null;
            return;
        }
        BackfillRun run = active.get();
        if (!run.id().equals(activeId)) {
            beginCounting(run);
        }
        boolean carried = carries(state.offsets(), run.id());
        if (carried && !run.recorded()) {
            run = save(run.withRecorded());
        }
        EngineRun running = engine;
        if (running == null) {
            return;
        }
        if (handledEngineRun != running.number()) {
            run = onEngineRun(run, running, carried);
            if (run == null || run.state().isFinal()) {
                return;
            }
        }
        if (run.id().equals(scanFinishedFor) && (processedPast || (rowsScanned.get() == 0 && !processedCarrying
                && handedOver.get() == 0))) {
            finish(run);
            return;
        }
        persistProgress(run, false);
    }

    /** What a new engine run needs for the active backfill: a signal, or nothing when its offsets resume it. */
    private BackfillRun onEngineRun(BackfillRun run, EngineRun running, boolean carried) {
        Instant now = Instant.now();
        switch (run.state()) {
            case QUEUED, RUNNING -> {
                if (carried) {
                    log.info("pipeline '{}': backfill {} resumes at its last recorded chunk ({} rows delivered"
                            + " before)", config.pipelineName(), run.id(), run.rowsDelivered());
                } else if (run.state() == BackfillRun.State.RUNNING && run.recorded()) {
                    // The recorded offset carried it and no longer does: every row it delivered was processed.
                    scanFinishedFor = run.id();
                    handledEngineRun = running.number();
                    finish(run);
                    return null;
                } else {
                    if (run.state() == BackfillRun.State.RUNNING) {
                        log.warn("pipeline '{}': backfill {} had recorded no chunk when the engine stopped; reading it"
                                + " again from its first chunk (rows come again under the same run id)",
                                config.pipelineName(), run.id());
                    }
                    if (!signal(running, executeSignal(run))) {
                        return run;
                    }
                    // Signalled to this engine: never again, even if recording the run's state fails below.
                    handledEngineRun = running.number();
                    if (run.state() == BackfillRun.State.QUEUED) {
                        run = save(run.withState(BackfillRun.State.RUNNING, now).withProgress(estimates(run)));
                        lastProgressLog = now;
                        logStart(run);
                    }
                }
                handledEngineRun = running.number();
                return run.state() == BackfillRun.State.QUEUED ? save(run.withState(BackfillRun.State.RUNNING, now))
                        : run;
            }
            case STOPPING -> {
                handledEngineRun = running.number();
                if (carried) {
                    signal(running, new DebeziumEngine.Signal(run.id() + "-stop", "stop-snapshot",
                            "{\"type\":\"INCREMENTAL\"}", null));
                    return run;
                }
                scanFinishedFor = run.id();
                finish(run);
                return null;
            }
            default -> {
                return run;
            }
        }
    }

    private DebeziumEngine.Signal executeSignal(BackfillRun run) {
        var data = JSON.createObjectNode();
        var collections = data.putArray("data-collections");
        run.tables().forEach(collections::add);
        data.put("type", "INCREMENTAL");
        if (run.where() != null) {
            var conditions = data.putArray("additional-conditions");
            for (String table : run.tables()) {
                conditions.addObject().put("data-collection", java.util.regex.Pattern.quote(table))
                        .put("filter", run.where());
            }
        }
        return new DebeziumEngine.Signal(run.id(), "execute-snapshot", data.toString(), null);
    }

    private boolean signal(EngineRun running, DebeziumEngine.Signal signal) {
        try {
            running.signaler().get().signal(signal);
            return true;
        } catch (RuntimeException e) {
            // The engine's channel opens with its task: the next tick tries again.
            log.debug("pipeline '{}': signal {} not taken yet: {}", config.pipelineName(), signal.type(), e.toString());
            return false;
        }
    }

    private void onNotification(Notification notification) {
        if (!"Incremental Snapshot".equals(notification.getAggregateType())) {
            return;
        }
        String run = notification.getId();
        Map<String, String> data = notification.getAdditionalData() == null ? Map.of() : notification.getAdditionalData();
        switch (notification.getType()) {
            case "IN_PROGRESS" -> {
                String table = data.get("current_collection_in_progress");
                if (table != null) {
                    chunksByTable.computeIfAbsent(table, t -> new AtomicLong()).incrementAndGet();
                }
            }
            case "TABLE_SCAN_COMPLETED" -> {
                String status = data.getOrDefault("status", "");
                String table = data.getOrDefault("scanned_collection", "?");
                try {
                    rowsScanned.addAndGet(Long.parseLong(data.getOrDefault("total_rows_scanned", "0")));
                } catch (NumberFormatException e) {
                    rowsScanned.incrementAndGet();
                }
                if (!status.equals("SUCCEEDED") && !status.equals("EMPTY")) {
                    problem(run, table + " was not read to the end (" + describe(status) + ")");
                }
            }
            case "COMPLETED", "ABORTED" -> {
                scanFinishedFor = run;
                ScheduledExecutorService t = ticker;
                if (t != null) {
                    t.execute(this::tickSafely);
                }
            }
            default -> {
            }
        }
    }

    private static String describe(String status) {
        return switch (status) {
            case "NO_PRIMARY_KEY" -> "it has no primary key";
            case "SQL_EXCEPTION" -> "reading a chunk failed with an SQL error; the engine's log says which";
            case "UNKNOWN_SCHEMA" -> "the engine does not know its definition";
            case "SKIPPED" -> "skipped by the engine";
            default -> status;
        };
    }

    private synchronized void problem(String runId, String what) {
        Optional<BackfillRun> run = record.runs().stream().filter(r -> r.id().equals(runId)).findFirst();
        log.error("pipeline '{}': backfill {}: {}; its rows were not all delivered: run the backfill of that table"
                + " again once the cause is fixed", config.pipelineName(), runId, what);
        run.ifPresent(r -> save(r.withProblem(what)));
    }

    private void finish(BackfillRun run) {
        BackfillRun.State end = run.state() == BackfillRun.State.STOPPING ? BackfillRun.State.STOPPED
                : run.problems().isEmpty() ? BackfillRun.State.COMPLETED : BackfillRun.State.FAILED;
        BackfillRun done = persistProgress(run, true).withState(end, Instant.now());
        save(done);
        Duration took = Duration.between(Instant.parse(done.startedAt() == null ? done.requestedAt() : done.startedAt()),
                Instant.parse(done.finishedAt()));
        long rows = done.rowsDelivered();
        log.info("pipeline '{}': backfill {} {}: {} rows delivered in {} s{}{}", config.pipelineName(), done.id(),
                end.name().toLowerCase(Locale.ROOT), rows, took.toSeconds(),
                took.toMillis() > 0 ? String.format(Locale.ROOT, " (%.0f rows/s)", rows * 1000.0 / took.toMillis()) : "",
                done.problems().isEmpty() ? "" : "; " + String.join("; ", done.problems()));
        activeId = null;
        scanFinishedFor = null;
        // The next run, queued now or asked for later, is signalled to the engine that runs then.
        handledEngineRun = -1;
        record.active().ifPresent(this::beginCounting);
    }

    private void beginCounting(BackfillRun run) {
        activeId = run.id();
        processedCarrying = false;
        processedPast = false;
        rowsScanned.set(0);
        handedOver.set(0);
        processed.set(0);
        rowsByTable.clear();
        chunksByTable.clear();
        for (Map.Entry<String, BackfillRun.TableProgress> e : run.tableStates().entrySet()) {
            rowsByTable.put(e.getKey(), new AtomicLong(e.getValue().rows()));
            chunksByTable.put(e.getKey(), new AtomicLong(e.getValue().chunks()));
        }
        countingSince = Instant.now();
        rowsAtCountingStart = run.rowsDelivered();
        if (!run.id().equals(scanFinishedFor)) {
            scanFinishedFor = null;
        }
    }

    /**
     * Folds the counters into the record when they moved (at every tick, so that a crash loses at most a second of
     * them), and logs progress every 10 s.
     */
    private BackfillRun persistProgress(BackfillRun run, boolean force) {
        Instant now = Instant.now();
        boolean logNow = Duration.between(lastProgressLog, now).compareTo(PROGRESS_EVERY) >= 0;
        long counted = processed.get();
        if (!force && !logNow && counted == lastPersisted) {
            return run;
        }
        lastPersisted = counted;
        if (logNow) {
            lastProgressLog = now;
        }
        Map<String, BackfillRun.TableProgress> progress = new LinkedHashMap<>();
        for (String table : run.tables()) {
            BackfillRun.TableProgress before = run.progress(table);
            long rows = rowsByTable.getOrDefault(table, new AtomicLong(before.rows())).get();
            long chunks = chunksByTable.getOrDefault(table, new AtomicLong(before.chunks())).get();
            progress.put(table, new BackfillRun.TableProgress(rows, chunks, before.estimatedRows(), before.scanned()));
        }
        BackfillRun updated = save(run.withProgress(progress));
        if (!force && logNow && run.state() == BackfillRun.State.RUNNING) {
            Stats stats = stats(updated);
            log.info("pipeline '{}': backfill {}: {} rows delivered{}, {} chunks read, {} rows/s{}{}",
                    config.pipelineName(), run.id(), stats.rows, stats.estimated > 0 ? " of about " + stats.estimated : "",
                    stats.chunks, String.format(Locale.ROOT, "%.0f", stats.rowsPerSecond),
                    stats.secondsLeft >= 0 ? ", about " + stats.secondsLeft + " s left" : "", "");
        }
        return updated;
    }

    private record Stats(long rows, long chunks, long estimated, double rowsPerSecond, long secondsLeft) {
    }

    private Stats stats(BackfillRun run) {
        long rows = 0;
        long chunks = 0;
        long estimated = 0;
        boolean estimateKnown = true;
        for (String table : run.tables()) {
            BackfillRun.TableProgress before = run.progress(table);
            AtomicLong r = rowsByTable.get(table);
            AtomicLong c = chunksByTable.get(table);
            rows += r == null ? before.rows() : r.get();
            chunks += c == null ? before.chunks() : c.get();
            if (before.estimatedRows() < 0) {
                estimateKnown = false;
            } else {
                estimated += before.estimatedRows();
            }
        }
        double rate = 0;
        long left = -1;
        Instant since = countingSince;
        if (run.state() == BackfillRun.State.RUNNING && since != null && run.id().equals(activeId)) {
            double seconds = Math.max(0.001, Duration.between(since, Instant.now()).toMillis() / 1000.0);
            rate = (rows - rowsAtCountingStart) / seconds;
            if (estimateKnown && rate > 0 && run.where() == null) {
                left = Math.max(0, Math.round((estimated - rows) / rate));
            }
        }
        return new Stats(rows, chunks, estimateKnown ? estimated : -1, rate, left);
    }

    private void logStart(BackfillRun run) {
        List<String> parts = new ArrayList<>();
        for (String table : run.tables()) {
            long estimate = run.progress(table).estimatedRows();
            parts.add(table + (estimate >= 0 ? " (about " + estimate + " rows)" : ""));
        }
        log.info("pipeline '{}': backfill {} started: reading {}{} in chunks of {} rows while streaming goes on"
                + " ({})", config.pipelineName(), run.id(), String.join(", ", parts),
                run.where() == null ? "" : " where " + run.where(), config.backfill().chunkSize(), run.reason());
    }

    /** Each table's size as the server estimates it (information_schema), -1 when it cannot say. */
    private Map<String, BackfillRun.TableProgress> estimates(BackfillRun run) {
        Map<String, BackfillRun.TableProgress> progress = new LinkedHashMap<>(run.tableStates());
        try (Connection c = source.connect();
             PreparedStatement select = c.prepareStatement("SELECT table_rows FROM information_schema.tables"
                     + " WHERE table_schema = ? AND table_name = ?")) {
            try (Statement s = c.createStatement()) {
                // MySQL 8 answers from a cache a day old by default: ask the storage engine's current estimate.
                s.execute("SET SESSION information_schema_stats_expiry = 0");
            } catch (SQLException e) {
                // MariaDB has no such cache.
            }
            for (String table : run.tables()) {
                int dot = table.indexOf('.');
                select.setString(1, table.substring(0, dot));
                select.setString(2, table.substring(dot + 1));
                long estimate = -1;
                try (ResultSet rs = select.executeQuery()) {
                    if (rs.next() && rs.getObject(1) != null) {
                        estimate = rs.getLong(1);
                    }
                }
                BackfillRun.TableProgress before = run.progress(table);
                progress.put(table, new BackfillRun.TableProgress(before.rows(), before.chunks(), estimate,
                        before.scanned()));
            }
        } catch (SQLException e) {
            log.debug("pipeline '{}': no size estimate for backfill {}: {}", config.pipelineName(), run.id(),
                    e.getMessage());
        }
        return progress;
    }

    /**
     * Whether the recorded offsets carry {@code run}: the engine recorded at least one of its chunks and has not
     * finished it.
     */
    static boolean carries(Map<String, String> offsets, String run) {
        for (String value : offsets.values()) {
            if (!value.contains(RUN_OFFSET_KEY)) {
                continue;
            }
            try {
                JsonNode node = JSON.readTree(value);
                if (run.equals(node.path(RUN_OFFSET_KEY).asText(null))) {
                    return true;
                }
            } catch (IOException e) {
                // Not this run's offset.
            }
        }
        return false;
    }

    private BackfillRun save(BackfillRun run) {
        BackfillLog updated = record.with(run);
        updated.write(state);
        record = updated;
        return run;
    }

    private static String newRunId(Instant now) {
        return RUN_ID.format(now) + "-" + String.format(Locale.ROOT, "%04x", RANDOM.nextInt(0x10000));
    }

    /**
     * The tables named, as the server spells them, each captured, a base table with a primary key; the condition
     * runs on each. Throws naming the first problem and its fix.
     */
    private List<String> validate(List<String> tables, String where) {
        if (tables == null || tables.stream().allMatch(String::isBlank)) {
            throw new IllegalArgumentException("name the tables to backfill: --tables db.table[,db.table...]");
        }
        if (where != null) {
            checkConditionShape(where);
        }
        CaptureFilter capture = CaptureFilter.of(config.source());
        List<String> resolved = new ArrayList<>();
        try (Connection c = source.connect()) {
            for (String raw : tables) {
                String name = raw.strip();
                if (name.isEmpty()) {
                    continue;
                }
                int dot = name.indexOf('.');
                if (dot <= 0 || dot == name.length() - 1) {
                    throw new IllegalArgumentException("'" + name + "' is not database.table");
                }
                String[] found = baseTable(c, name.substring(0, dot), name.substring(dot + 1));
                if (found == null) {
                    throw new IllegalArgumentException("no table " + name + " on the source (or the daemon's user"
                            + " cannot see it)");
                }
                String table = found[0] + "." + found[1];
                if (!capture.captures(found[0], found[1])) {
                    throw new IllegalArgumentException(table + " is not captured: add it to source.tables (with"
                            + " source.new.tables=backfill the next start backfills it)");
                }
                if (!hasPrimaryKey(c, found[0], found[1])) {
                    throw new IllegalArgumentException(table + " has no primary key: a backfill reads a table in"
                            + " primary-key order; add one");
                }
                if (where != null) {
                    checkCondition(c, found[0], found[1], where);
                }
                if (!resolved.contains(table)) {
                    resolved.add(table);
                }
            }
        } catch (SQLException e) {
            throw new IllegalArgumentException("cannot check the request on the source: " + e.getMessage());
        }
        if (resolved.isEmpty()) {
            throw new IllegalArgumentException("name the tables to backfill: --tables db.table[,db.table...]");
        }
        return resolved;
    }

    private static String[] baseTable(Connection c, String database, String table) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT table_schema, table_name, table_type"
                + " FROM information_schema.tables WHERE LOWER(table_schema) = LOWER(?) AND LOWER(table_name) = LOWER(?)")) {
            select.setString(1, database);
            select.setString(2, table);
            String[] match = null;
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    if (!"BASE TABLE".equalsIgnoreCase(rs.getString(3))) {
                        throw new IllegalArgumentException(database + "." + table + " is a " + rs.getString(3)
                                .toLowerCase(Locale.ROOT) + ", not a table: backfill the tables it reads");
                    }
                    String[] row = {rs.getString(1), rs.getString(2)};
                    if (match == null || (row[0].equals(database) && row[1].equals(table))) {
                        match = row;
                    }
                }
            }
            return match;
        }
    }

    private static boolean hasPrimaryKey(Connection c, String database, String table) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT 1 FROM information_schema.table_constraints"
                + " WHERE table_schema = ? AND table_name = ? AND constraint_type = 'PRIMARY KEY'")) {
            select.setString(1, database);
            select.setString(2, table);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * A condition is one boolean expression on the table's own columns, as after WHERE: the engine places it inside its
     * chunk query. Refused: what could end or extend that query or read elsewhere ({@code ;}, comments, unbalanced
     * parentheses, subqueries and unions, files, sleeps), outside string literals.
     */
    static void checkConditionShape(String where) {
        StringBuilder code = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < where.length(); i++) {
            char ch = where.charAt(i);
            if (quote != 0) {
                if (ch == '\\') {
                    i++;
                } else if (ch == quote) {
                    quote = 0;
                }
                code.append(' ');
                continue;
            }
            if (ch == '\'' || ch == '"' || ch == '`') {
                quote = ch;
                code.append(' ');
                continue;
            }
            code.append(ch);
        }
        String text = code.toString();
        String lower = text.toLowerCase(Locale.ROOT);
        int depth = 0;
        for (char ch : text.toCharArray()) {
            depth += ch == '(' ? 1 : ch == ')' ? -1 : 0;
            if (depth < 0) {
                break;
            }
        }
        String refused = quote != 0 ? "an unterminated quote"
                : text.contains(";") ? "a ';'"
                : text.contains("--") || text.contains("#") || text.contains("/*") ? "a comment"
                : depth != 0 ? "unbalanced parentheses"
                : java.util.regex.Pattern.compile("\\b(select|union|into|outfile|dumpfile|load_file|sleep|benchmark"
                        + "|get_lock|procedure|handler)\\b").matcher(lower).find() ? "a subquery, a union, a file or a"
                        + " wait (SELECT, UNION, INTO, LOAD_FILE, SLEEP and the like)"
                : null;
        if (refused != null) {
            throw new IllegalArgumentException("the condition '" + where + "' holds " + refused + ": give one condition"
                    + " on the table's own columns, as after WHERE (e.g. created_at >= '2026-11-01')");
        }
    }

    private static void checkCondition(Connection c, String database, String table, String where) {
        try (Statement s = c.createStatement()) {
            s.executeQuery("SELECT 1 FROM `" + database.replace("`", "``") + "`.`" + table.replace("`", "``")
                    + "` WHERE (" + where + ") LIMIT 0").close();
        } catch (SQLException e) {
            throw new IllegalArgumentException("the condition does not run on " + database + "." + table + ": "
                    + e.getMessage());
        }
    }

    /**
     * At a start with {@code source.new.tables=backfill}: the tables the configuration selects now and did not select
     * at the previous start, backfilled. The selection is recorded at every start, so a later switch to
     * {@code backfill} only covers tables added after it.
     */
    private void newTables() {
        BackfillLog.Capture now = new BackfillLog.Capture(config.source().databases(), config.source().tables());
        BackfillLog.Capture before = record.capture();
        if (now.equals(before)) {
            return;
        }
        if (before != null && config.backfill().newTables()
                == io.cdcrunner.config.BackfillSettings.NewTables.BACKFILL) {
            List<String> added;
            try (Connection c = source.connect()) {
                added = newlySelected(c, new CaptureFilter(before.databases(), before.tables()),
                        CaptureFilter.of(config.source()));
            } catch (SQLException e) {
                log.warn("pipeline '{}': cannot list the tables the configuration selects ({}); the next start looks"
                        + " for new tables to backfill again", config.pipelineName(), e.getMessage());
                return;
            }
            List<String> backfilled = new ArrayList<>();
            for (String table : added) {
                try {
                    validate(List.of(table), null);
                    backfilled.add(table);
                } catch (IllegalArgumentException e) {
                    log.error("pipeline '{}': the newly captured table {} is not backfilled: {}; its changes are"
                            + " processed from now on", config.pipelineName(), table, e.getMessage());
                }
            }
            if (!backfilled.isEmpty()) {
                if (unsupported != null) {
                    log.error("pipeline '{}': the newly captured tables {} are not backfilled: {}; their changes are"
                            + " processed from now on", config.pipelineName(), backfilled, unsupported);
                } else {
                    Instant at = Instant.now();
                    BackfillRun run = BackfillRun.queued(newRunId(at), backfilled, null, "new tables", at);
                    record = record.with(run);
                    log.info("pipeline '{}': {} newly captured (source.new.tables=backfill): backfill {} reads their"
                            + " rows while streaming goes on", config.pipelineName(), String.join(", ", backfilled),
                            run.id());
                }
            }
        }
        record = record.withCapture(now);
        record.write(state);
    }

    private static List<String> newlySelected(Connection c, CaptureFilter before, CaptureFilter now)
            throws SQLException {
        List<String> added = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT table_schema, table_name FROM information_schema.tables"
                     + " WHERE table_type = 'BASE TABLE' ORDER BY table_schema, table_name")) {
            while (rs.next()) {
                String database = rs.getString(1);
                String table = rs.getString(2);
                if (now.captures(database, table) && !before.captures(database, table)) {
                    added.add(database + "." + table);
                }
            }
        }
        return added;
    }

    private void registerMBean() {
        try {
            mbeanName = objectName(config.pipelineName());
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            if (server.isRegistered(mbeanName)) {
                server.unregisterMBean(mbeanName);
            }
            server.registerMBean(new View(), mbeanName);
        } catch (Exception e) {
            log.warn("cannot register the JMX MBean for backfills: {}", e.toString());
            mbeanName = null;
        }
    }

    /** {@code cdc.runner:type=Backfill,name=<pipeline>}. */
    public static ObjectName objectName(String pipeline) {
        try {
            return new ObjectName("cdc.runner:type=Backfill,name="
                    + (pipeline.matches("[A-Za-z0-9_.-]+") ? pipeline : ObjectName.quote(pipeline)));
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalArgumentException("not usable in a JMX name: " + pipeline, e);
        }
    }

    @Override
    public void close() {
        ScheduledExecutorService t;
        synchronized (this) {
            t = ticker;
            ticker = null;
            engine = null;
        }
        if (t != null) {
            t.shutdownNow();
        }
        BackfillNotifications.unregister(config.pipelineName(), listener);
        if (mbeanName != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(mbeanName);
            } catch (Exception e) {
                log.debug("backfill MBean already gone: {}", e.toString());
            }
            mbeanName = null;
        }
        synchronized (this) {
            Optional<BackfillRun> active = record == null ? Optional.empty() : record.active();
            active.ifPresent(run -> {
                try {
                    persistProgress(run, true);
                } catch (RuntimeException e) {
                    log.debug("backfill progress not recorded at close: {}", e.getMessage());
                }
            });
        }
    }

    /** The JMX view. */
    private final class View implements BackfillMXBean {

        private Optional<BackfillRun> shown() {
            synchronized (Backfills.this) {
                Optional<BackfillRun> active = record.active();
                if (active.isPresent()) {
                    return active;
                }
                List<BackfillRun> runs = record.runs();
                return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(runs.size() - 1));
            }
        }

        @Override
        public String getRunId() {
            return shown().map(BackfillRun::id).orElse("");
        }

        @Override
        public String getState() {
            return shown().map(r -> r.state().name()).orElse("NONE");
        }

        @Override
        public String getReason() {
            return shown().map(BackfillRun::reason).orElse("");
        }

        @Override
        public String getWhere() {
            return shown().map(r -> r.where() == null ? "" : r.where()).orElse("");
        }

        @Override
        public String[] getTables() {
            return shown().map(run -> run.tables().stream().map(table -> {
                BackfillRun.TableProgress p = run.progress(table);
                AtomicLong rows = run.id().equals(activeId) ? rowsByTable.get(table) : null;
                AtomicLong chunks = run.id().equals(activeId) ? chunksByTable.get(table) : null;
                return table + " rows " + (rows == null ? p.rows() : rows.get())
                        + (p.estimatedRows() >= 0 ? " of ~" + p.estimatedRows() : "")
                        + ", " + (chunks == null ? p.chunks() : chunks.get()) + " chunks";
            }).toArray(String[]::new)).orElse(new String[0]);
        }

        @Override
        public long getRowsDelivered() {
            return shown().map(run -> stats(run).rows()).orElse(0L);
        }

        @Override
        public long getChunksRead() {
            return shown().map(run -> stats(run).chunks()).orElse(0L);
        }

        @Override
        public double getRowsPerSecond() {
            return shown().map(run -> stats(run).rowsPerSecond()).orElse(0.0);
        }

        @Override
        public long getEstimatedSecondsLeft() {
            return shown().map(run -> stats(run).secondsLeft()).orElse(-1L);
        }

        @Override
        public String[] getProblems() {
            return shown().map(run -> run.problems().toArray(String[]::new)).orElse(new String[0]);
        }

        @Override
        public String[] getQueued() {
            synchronized (Backfills.this) {
                Optional<BackfillRun> active = record.active();
                return record.runs().stream().filter(r -> r.state() == BackfillRun.State.QUEUED)
                        .filter(r -> active.isEmpty() || !active.get().id().equals(r.id()))
                        .map(Backfills::line).toArray(String[]::new);
            }
        }

        @Override
        public String[] getRecentRuns() {
            synchronized (Backfills.this) {
                return record.runs().stream().filter(r -> r.state().isFinal()).map(Backfills::line)
                        .toArray(String[]::new);
            }
        }

        @Override
        public String startBackfill(String tables, String where) {
            return request(List.of(tables == null ? new String[0] : tables.split(",")), where, "request");
        }

        @Override
        public String stopBackfill() {
            return stop();
        }
    }

    private static String line(BackfillRun run) {
        return run.id() + " " + run.state() + " " + String.join(",", run.tables())
                + (run.where() == null ? "" : " where " + run.where()) + " (" + run.reason() + "), "
                + run.rowsDelivered() + " rows"
                + (run.finishedAt() != null ? ", ended " + run.finishedAt() : ", asked " + run.requestedAt());
    }
}
