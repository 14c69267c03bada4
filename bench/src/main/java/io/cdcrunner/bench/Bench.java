package io.cdcrunner.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.cdcrunner.localdb.LocalServer;
import io.cdcrunner.source.ServerInfo.BinlogPosition;

/** What every scenario shares: the database, the machine, the child launcher, the output. */
final class Bench {

    static final String COMMAND = "make bench";

    final LocalServer db;
    final Source source;
    final Machine machine;
    final Sizes sizes;
    final PrintStream out;
    private final ChildJvm children;
    final Path work;
    private final AtomicLong serverIds = new AtomicLong(5000);
    private final QuietGate quiet;

    Bench(LocalServer db, Source source, Machine machine, Sizes sizes, Path work, QuietGate quiet, PrintStream out) {
        this.quiet = quiet;
        this.db = db;
        this.source = source;
        this.machine = machine;
        this.sizes = sizes;
        this.work = work;
        this.out = out;
        this.children = new ChildJvm(work);
    }

    /** A fresh, empty state directory for one run. */
    Path stateDir(String run) throws java.io.IOException {
        return Files.createDirectories(work.resolve("state").resolve(run));
    }

    long nextServerId() {
        return serverIds.incrementAndGet();
    }

    /** Creates {@code bench.<table>} with the orders shape every scenario writes. */
    void createTable(String table) {
        db.execute("CREATE TABLE IF NOT EXISTS bench." + table + " (id BIGINT PRIMARY KEY, customer_id INT NOT NULL, "
                + "amount DECIMAL(12,2) NOT NULL, note VARCHAR(40), KEY by_customer (customer_id, amount))");
    }

    /**
     * Inserts {@code rows} rows (ids 1..rows) in transactions of {@code perTransaction} rows, with
     * {@code families} distinct customer ids, and returns the binlog position before the first.
     */
    BinlogPosition insertBacklog(String table, long rows, int perTransaction, int families) throws SQLException {
        BinlogPosition start = source.currentPosition();
        try (Connection c = db.rootConnection(); Statement s = c.createStatement()) {
            for (long offset = 0; offset < rows; offset += perTransaction) {
                s.executeUpdate("INSERT INTO bench." + table + " (id, customer_id, amount, note) SELECT seq + " + offset
                        + ", (seq + " + offset + ") % " + families + ", ((seq + " + offset + ") % 100000) / 100, "
                        + "CONCAT('row ', seq + " + offset + ") FROM bench.numbers WHERE seq <= " + perTransaction);
            }
        }
        return start;
    }

    Map<String, Object> runChild(String name, Class<?> main, List<String> flags, Map<String, Object> args,
                                 Duration timeout) throws Exception {
        return runChild(name, main, Path.of(System.getProperty("java.home")), flags, args, timeout);
    }

    /** Runs a measurement on the Java in {@code javaHome}. */
    Map<String, Object> runChild(String name, Class<?> main, Path javaHome, List<String> flags,
                                 Map<String, Object> args, Duration timeout) throws Exception {
        Map<String, Object> all = new LinkedHashMap<>(source.toArgs());
        all.putAll(args);
        double busy = quiet.await();
        Map<String, Object> result = new LinkedHashMap<>(children.run(name, main, javaHome, flags, all, timeout));
        result.put("other_cpu_busy_cores_before", busy);
        return result;
    }

    /** Prints a scenario's heading: machine, load, sizes and the commands that ran it. */
    Map<String, Object> begin(String title, Map<String, Object> scenarioSizes, List<String> commands) {
        out.println();
        out.println("== " + title);
        out.println("machine: " + machine.oneLine());
        out.println("load average before: " + Machine.load());
        out.println("sizes: " + scenarioSizes);
        out.println("command: " + COMMAND + " (runs, each in a fresh JVM:)");
        commands.forEach(c -> out.println("  " + c));
        Map<String, Object> scenario = new LinkedHashMap<>();
        scenario.put("title", title);
        scenario.put("machine", machine.toJson());
        scenario.put("load_before", Machine.load());
        scenario.put("sizes", scenarioSizes);
        scenario.put("command", COMMAND);
        scenario.put("child_commands", commands);
        return scenario;
    }

    void end(Map<String, Object> scenario, TextTable table) {
        scenario.put("load_after", Machine.load());
        out.println();
        out.print(table);
        out.println("load average after: " + Machine.load());
    }
}
