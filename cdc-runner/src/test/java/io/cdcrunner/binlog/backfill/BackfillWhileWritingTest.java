package io.cdcrunner.binlog.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.load.Pacer;
import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.pipeline.CountingProcessor;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.pipeline.TestPipelines;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.ProcessorConfig;
import io.cdcrunner.processor.builtin.FamilyAggregateProcessor;
import io.cdcrunner.processor.builtin.FamilySettings;
import io.cdcrunner.testdb.LocalTestDatabase;
import io.cdcrunner.testdb.SharedDatabase;
import io.cdcrunner.testkit.DatabaseTest;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.JMX;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The watermark rule under load, on MariaDB and MySQL: 200,000 rows that were in the table before the daemon started
 * are backfilled while a writer inserts, updates and deletes rows of the same table. Two pipelines read it: one keeps
 * every key's version as its events come (a backfilled copy older than a change already delivered for its key would
 * be a stale copy overtaking the change), the other computes family summaries. Afterwards both views equal the table.
 */
@DatabaseTest
@ParameterizedClass(name = "{0}")
@EnumSource(Flavor.class)
class BackfillWhileWritingTest {

    private static final int ROWS = 200_000;
    private static final int FAMILIES = 200;
    private static final Duration WAIT = Duration.ofMinutes(4);
    private static final long DELETED = Long.MIN_VALUE;
    static final SharedDatabase SERVER = new SharedDatabase();
    private static LocalTestDatabase db;
    private static HikariDataSource pool;

    @Parameter
    Flavor flavor;

    @TempDir
    Path temp;

    @BeforeParameterizedClassInvocation
    static void start(Flavor flavor) throws Exception {
        db = SERVER.start(flavor);
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(db.jdbcUrl(""));
        hikari.setUsername(db.rootUser());
        hikari.setPassword(db.rootPassword());
        hikari.setMaximumPoolSize(4);
        pool = new HikariDataSource(hikari);
        db.execute("CREATE DATABASE bfw",
                "CREATE TABLE bfw.items (id BIGINT PRIMARY KEY, family INT NOT NULL, version BIGINT NOT NULL,"
                        + " amount DECIMAL(12,2) NOT NULL, KEY by_family (family, amount))",
                "CREATE TABLE bfw.ids (n INT PRIMARY KEY)");
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            StringBuilder digits = new StringBuilder("INSERT INTO bfw.ids VALUES ");
            for (int n = 0; n < 1000; n++) {
                digits.append(n == 0 ? "" : ",").append('(').append(n).append(')');
            }
            s.execute(digits.toString());
            s.execute("INSERT INTO bfw.items SELECT a.n * 1000 + b.n + 1, (a.n * 1000 + b.n + 1) % " + FAMILIES
                    + ", 0, (a.n * 1000 + b.n) % 97 FROM bfw.ids a JOIN bfw.ids b WHERE a.n < " + (ROWS / 1000));
        }
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        pool.close();
        SERVER.close();
    }

    @Test
    void aBackfillDuringInsertsUpdatesAndDeletesLeavesEveryViewEqualToTheTable() throws Exception {
        String suffix = flavor.name().toLowerCase();
        String keysName = "bfw_keys_" + suffix;
        String familiesName = "bfw_families_" + suffix;
        Map<String, String> keysSettings = Map.of("pipeline.name", keysName, "source.tables", "bfw.items",
                "source.server.id", "5401", "source.operations", "insert,update,delete",
                "processor.class", CountingProcessor.class.getName(),
                "processor.count.file", temp.resolve("count").toString());
        Map<String, String> familiesSettings = Map.of("pipeline.name", familiesName, "source.tables", "bfw.items",
                "source.server.id", "5402", "source.operations", "insert,update,delete",
                "processor.class", FamilyAggregateProcessor.class.getName(),
                "processor.family.table", "bfw.items", "processor.family.column", "family",
                "processor.family.value.column", "amount", "processor.ordering.column", "family",
                "processor.family.summary.table", "bfw.totals_" + suffix);
        KeyView view = new KeyView();
        Writer writer = new Writer();
        try (Pipeline keys = Pipelines.create(TestPipelines.config(db, Files.createDirectories(temp.resolve("keys")),
                keysSettings), (event, nanos) -> view.apply(event, nanos, writer));
             Pipeline families = Pipelines.create(TestPipelines.config(db,
                     Files.createDirectories(temp.resolve("families")), familiesSettings))) {
            keys.start();
            families.start();
            await().atMost(WAIT).until(() -> keys.state() == PipelineState.STREAMING
                    && families.state() == PipelineState.STREAMING || keys.state().isFinal() || families.state().isFinal());
            Thread writing = new Thread(writer, "bfw-writer");
            writing.start();
            // Streamed latency with no backfill, for comparison.
            await().atMost(WAIT).until(() -> view.idleLatencies.size() >= 500);

            long started = System.nanoTime();
            view.startedNanos = started;
            view.backfilling.set(true);
            backfills(keysName).startBackfill("bfw.items", "");
            backfills(familiesName).startBackfill("bfw.items", "");
            await().atMost(WAIT).until(() -> backfills(keysName).getState().equals("COMPLETED")
                    && backfills(familiesName).getState().equals("COMPLETED")
                    || keys.state().isFinal() || families.state().isFinal());
            double seconds = (System.nanoTime() - started) / 1e9;
            view.backfilling.set(false);
            writer.stop.set(true);
            writing.join();
            assertThat(writer.failure.get()).isNull();
            assertThat(keys.state()).as("failure: %s", keys.failure()).isEqualTo(PipelineState.STREAMING);
            assertThat(families.state()).as("failure: %s", families.failure()).isEqualTo(PipelineState.STREAMING);

            Map<Long, Long> table = table();
            await().atMost(WAIT).until(() -> view.versions().equals(table));
            FamilySettings summary = FamilySettings.from(new ProcessorConfig(Map.of("family.table", "bfw.items",
                    "family.column", "family", "family.value.column", "amount",
                    "family.summary.table", "bfw.totals_" + suffix)));
            await().atMost(WAIT).until(() -> FamilyAggregateProcessor.mismatches(pool, summary).isEmpty());

            System.out.printf("[backfill %s] %d existing rows backfilled in %.1f s while the writer committed %d"
                            + " inserts, %d updates and %d deletes; backfilled rows delivered %d (once each: %s);"
                            + " copies dropped for a change in their window %d; stale copies %d;"
                            + " streamed insert latency without backfill %s, during it %s;"
                            + " family summaries (%d families) equal SQL%n",
                    flavor, ROWS, seconds, writer.inserts.get(), writer.updates.get(), writer.deletes.get(),
                    view.backfilled.get(), view.backfilledTwice.get() == 0,
                    table.keySet().stream().filter(id -> id <= ROWS && !view.backfilledKeys().contains(id)).count(),
                    view.stale.get(),
                    percentiles(view.idleLatencies), percentiles(view.backfillLatencies), FAMILIES);
            System.out.println("[backfill " + flavor + "] slow streamed inserts: " + view.slowExamples);
            assertThat(view.staleExamples).as("backfilled copies older than a change already delivered").isEmpty();
            // A row changed while its chunk was read comes as that change only (the copy read is dropped).
            List<Long> missed = table.keySet().stream().filter(id -> id <= ROWS)
                    .filter(id -> !view.backfilledKeys().contains(id) && !view.streamed.containsKey(id))
                    .limit(10).toList();
            assertThat(missed).as("rows present before the backfill, still there, neither backfilled nor changed")
                    .isEmpty();
            assertThat(writer.updates.get()).isPositive();
            assertThat(writer.deletes.get()).isPositive();
            assertThat(view.backfillLatencies).as("streamed inserts measured during the backfill").isNotEmpty();
        }
    }

    private static BackfillMXBean backfills(String pipeline) {
        return JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(), Backfills.objectName(pipeline),
                BackfillMXBean.class);
    }

    private static Map<Long, Long> table() throws Exception {
        Map<Long, Long> rows = new HashMap<>();
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, version FROM bfw.items")) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return rows;
    }

    private static String percentiles(List<Long> micros) {
        List<Long> sorted;
        synchronized (micros) {
            sorted = new ArrayList<>(micros);
        }
        if (sorted.isEmpty()) {
            return "n/a";
        }
        Collections.sort(sorted);
        return String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d inserts)",
                sorted.get(sorted.size() / 2) / 1000.0, sorted.get((int) (sorted.size() * 0.99)) / 1000.0,
                sorted.get(sorted.size() - 1) / 1000.0, sorted.size());
    }

    /**
     * What the key pipeline's processor saw, key by key: the lanes give a key's events to one lane in order, so each
     * key's entry is updated by one thread at a time.
     */
    private static final class KeyView {
        final Map<Long, Long> view = new ConcurrentHashMap<>();
        final Map<Long, Long> streamed = new ConcurrentHashMap<>();
        final Map<Long, Boolean> backfilledIds = new ConcurrentHashMap<>();
        final AtomicLong backfilled = new AtomicLong();
        final AtomicLong backfilledTwice = new AtomicLong();
        final AtomicLong stale = new AtomicLong();
        final List<String> staleExamples = Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean backfilling = new AtomicBoolean();
        final List<Long> idleLatencies = Collections.synchronizedList(new ArrayList<>());
        final List<Long> backfillLatencies = Collections.synchronizedList(new ArrayList<>());
        final List<String> slowExamples = Collections.synchronizedList(new ArrayList<>());
        volatile long startedNanos;

        void apply(ChangeEvent event, long nanos, Writer writer) {
            long id = event.row().getLong("id");
            long version = event.row().getLong("version");
            if (event.isBackfill()) {
                backfilled.incrementAndGet();
                if (backfilledIds.put(id, Boolean.TRUE) != null) {
                    backfilledTwice.incrementAndGet();
                }
                Long seen = streamed.get(id);
                if (seen != null && (seen == DELETED || seen > version)) {
                    stale.incrementAndGet();
                    if (staleExamples.size() < 10) {
                        staleExamples.add("id " + id + " backfilled at version " + version + " after the stream "
                                + (seen == DELETED ? "deleted it" : "delivered version " + seen));
                    }
                    return;
                }
                view.put(id, version);
                return;
            }
            if (event.operation() == Operation.DELETE) {
                streamed.put(id, DELETED);
                view.remove(id);
                return;
            }
            streamed.put(id, version);
            view.put(id, version);
            if (event.operation() == Operation.INSERT) {
                Long committed = writer.committedAt.remove(id);
                if (committed != null) {
                    (backfilling.get() ? backfillLatencies : idleLatencies).add((nanos - committed) / 1000);
                    if (nanos - committed > 1_000_000_000L && slowExamples.size() < 8) {
                        slowExamples.add("id " + id + " committed at +" + (committed - startedNanos) / 1_000_000
                                + " ms waited " + (nanos - committed) / 1_000_000 + " ms");
                    }
                }
            }
        }

        Map<Long, Long> versions() {
            return new HashMap<>(view);
        }

        java.util.Set<Long> backfilledKeys() {
            return backfilledIds.keySet();
        }
    }

    /** 100 transactions a second: an insert and an update each, a delete every fourth. */
    private static final class Writer implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Map<Long, Long> committedAt = new ConcurrentHashMap<>();
        final AtomicLong inserts = new AtomicLong();
        final AtomicLong updates = new AtomicLong();
        final AtomicLong deletes = new AtomicLong();

        @Override
        public void run() {
            Pacer pacer = new Pacer(100);
            long next = ROWS + 1;
            try (Connection c = pool.getConnection();
                 PreparedStatement insert = c.prepareStatement("INSERT INTO bfw.items VALUES (?, ?, 0, ?)");
                 PreparedStatement update = c.prepareStatement("UPDATE bfw.items SET version = version + 1,"
                         + " amount = amount + 1 WHERE id = ?");
                 PreparedStatement delete = c.prepareStatement("DELETE FROM bfw.items WHERE id = ?")) {
                c.setAutoCommit(false);
                for (long tx = 0; !stop.get(); tx++) {
                    pacer.awaitNext();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    long id = next++;
                    insert.setLong(1, id);
                    insert.setInt(2, random.nextInt(FAMILIES));
                    insert.setInt(3, random.nextInt(97));
                    insert.executeUpdate();
                    update.setLong(1, 1 + random.nextLong(next - 1));
                    updates.addAndGet(update.executeUpdate());
                    if (tx % 4 == 3) {
                        delete.setLong(1, 1 + random.nextLong(next - 1));
                        deletes.addAndGet(delete.executeUpdate());
                    }
                    c.commit();
                    committedAt.put(id, System.nanoTime());
                    inserts.incrementAndGet();
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        }
    }
}
