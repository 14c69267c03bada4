package io.cdcrunner.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.kafka.ConnectorConfig;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.processor.builtin.FamilyAggregateProcessor;

/**
 * Scenario 6: scaling out on Kafka Connect. A real KRaft broker and a distributed Connect worker (Kafka's own test
 * harness, in this JVM) run the connector {@code connector-config} describes; its initial snapshot puts a backlog of
 * rows into a topic of {@value #PARTITIONS} partitions, which 1, 2 and 3 daemons (each its own process, one consumer
 * group per run) drain with {@link FamilyAggregateProcessor}: the scaling ratio. Then the commit-to-processed
 * latency at a paced rate through Kafka, next to the embedded source's in the same run.
 */
final class KafkaScenario {

    static final int PARTITIONS = 6;
    private static final int FAMILIES = 500;
    private static final int ROWS_PER_TRANSACTION = 100;
    private static final List<Integer> INSTANCES = List.of(1, 2, 3);
    private static final String PIPELINE = "kbench";
    private static final String TABLE = "kafka_orders";

    private final Bench bench;
    private final EngineTuning tuning;
    private final int rows;
    private final int latencyRate;

    KafkaScenario(Bench bench, EngineTuning tuning, int rows, int latencyRate) {
        this.bench = bench;
        this.tuning = tuning;
        this.rows = rows;
        this.latencyRate = latencyRate;
    }

    Map<String, Object> run() throws Exception {
        Map<String, Object> sizes = new LinkedHashMap<>();
        sizes.put("rows", rows);
        sizes.put("families", FAMILIES);
        sizes.put("partitions", PARTITIONS);
        sizes.put("instances", INSTANCES);
        sizes.put("latency_rate_per_s", latencyRate);
        sizes.put("engine", tuning.describe());
        Map<String, Object> scenario = bench.begin("6. Scaling out on Kafka Connect: 1, 2, 3 daemons in one consumer"
                + " group, and latency through Kafka", sizes, List.of("java " + String.join(" ", ChildJvm.JVM_FLAGS)
                + " -cp bench/target/cdc-runner-bench.jar io.cdcrunner.cli.CdcRunner run --config member-N.properties"));
        Map<String, String> workerProps = new HashMap<>();
        workerProps.put("offset.flush.interval.ms", "2000");
        EmbeddedConnectCluster connect = new EmbeddedConnectCluster.Builder().name("bench").numWorkers(1)
                .numBrokers(1).workerProps(workerProps).build();
        connect.start();
        try {
            bench.createTable(TABLE);
            bench.insertBacklog(TABLE, rows, ROWS_PER_TRANSACTION, FAMILIES);
            RunnerConfig connectorSource = bench.source.pipelineConfig(PIPELINE, TABLE,
                    bench.stateDir("kafka-connector"), memberKeys(connect, 0));
            long snapshotStart = System.nanoTime();
            deploy(connect, connectorSource);
            String topic = PIPELINE + ".bench." + TABLE;
            awaitTopic(connect, topic, rows);
            double snapshotSeconds = (System.nanoTime() - snapshotStart) / 1e9;
            bench.out.printf("  the connector's snapshot put %,d rows into %s (%d partitions) in %.1f s%n", rows, topic,
                    PARTITIONS, snapshotSeconds);
            scenario.put("connector_snapshot_s", Math.round(snapshotSeconds * 10) / 10.0);

            TextTable table = new TextTable("daemons", "events/s drain", "ratio to 1", "summary rows / rows counted,"
                    + " differing");
            List<Map<String, Object>> runs = new ArrayList<>();
            double one = 0;
            for (int instances : INSTANCES) {
                bench.out.printf("  draining %,d events with %d daemon(s) ...%n", rows, instances);
                Map<String, Object> run = drain(connect, instances);
                double rate = ((Number) run.get("events_per_s")).doubleValue();
                if (instances == 1) {
                    one = rate;
                }
                run.put("ratio_to_one", one == 0 ? null : Math.round(rate / one * 100) / 100.0);
                runs.add(run);
                table.row(instances, run.get("events_per_s"), run.get("ratio_to_one"), run.get("summary_check"));
            }
            scenario.put("runs", runs);
            scenario.put("latency", latency(connect));
            bench.end(scenario, table);
        } finally {
            connect.stop();
        }
        return scenario;
    }

    /** The keys of a member of the run with {@code instances} daemons (0: the connector's own configuration). */
    private Map<String, String> memberKeys(EmbeddedConnectCluster connect, int instances) {
        Map<String, String> keys = new LinkedHashMap<>(tuning.daemonKeys());
        keys.put("source.type", "kafka");
        keys.put("source.flavor", bench.source.flavor().name().toLowerCase(java.util.Locale.ROOT));
        keys.put("source.start", "snapshot");
        keys.put("source.operations", "insert");
        keys.put("kafka.bootstrap.servers", connect.kafka().bootstrapServers());
        keys.put("kafka.topic.partitions", String.valueOf(PARTITIONS));
        keys.put("kafka.group.id", PIPELINE + "-" + instances);
        keys.put("deadletter.store", "io.cdcrunner.deadletter.JdbcDeadLetterStore");
        keys.put("processor.class", FamilyAggregateProcessor.class.getName());
        keys.put("processor.family.table", "bench." + TABLE);
        keys.put("processor.family.column", "customer_id");
        keys.put("processor.family.value.column", "amount");
        keys.put("processor.family.id.column", "id");
        keys.put("processor.family.summary.table", "bench.kafka_summary_" + instances);
        // Each run its own ledger: the runs read the same topic, so one ledger would take run 2's events for
        // run 1's redeliveries.
        keys.put("processor.ledger.table", "bench.kafka_ledger_" + instances);
        keys.put("processor.ordering.column", "customer_id");
        keys.put("processor.threads", "2");
        keys.put("processor.read.visibility", "off");
        return keys;
    }

    private static void deploy(EmbeddedConnectCluster connect, RunnerConfig config) throws InterruptedException {
        Map<String, String> connector = new HashMap<>(ConnectorConfig.of(config, ServerFlavor.MARIADB));
        connector.put("database.password", config.source().password().reveal());
        connect.configureConnector(config.kafka().connectorName(), connector);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            try {
                ConnectorStateInfo status = connect.connectorStatus(config.kafka().connectorName());
                if (!status.tasks().isEmpty() && status.tasks().stream().allMatch(t -> "RUNNING".equals(t.state()))) {
                    return;
                }
            } catch (RuntimeException e) {
                // Not created yet.
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("connector " + config.kafka().connectorName() + " not running after 120 s");
    }

    /** Waits until the topic's partitions hold {@code records} records between them. */
    private static void awaitTopic(EmbeddedConnectCluster connect, String topic, long records) throws Exception {
        try (Admin admin = connect.kafka().createAdminClient()) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (System.nanoTime() < deadline) {
                if (admin.listTopics().names().get().contains(topic)) {
                    Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
                    for (int p = 0; p < PARTITIONS; p++) {
                        ends.put(new TopicPartition(topic, p), OffsetSpec.latest());
                    }
                    long total = admin.listOffsets(ends).all().get().values().stream()
                            .mapToLong(info -> info.offset()).sum();
                    if (total >= records) {
                        return;
                    }
                }
                Thread.sleep(500);
            }
        }
        throw new IllegalStateException(topic + " did not reach " + records + " records in 10 minutes");
    }

    /** {@code instances} daemons, each its own process, drain the topic; events/s between the first and last commit. */
    private Map<String, Object> drain(EmbeddedConnectCluster connect, int instances) throws Exception {
        String ledger = "bench.kafka_ledger_" + instances;
        List<Process> members = new ArrayList<>();
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("daemons", instances);
        try {
            for (int i = 1; i <= instances; i++) {
                Path state = bench.stateDir("kafka-" + instances + "-" + i);
                RunnerConfig config = bench.source.pipelineConfig(PIPELINE, TABLE, state, memberKeys(connect, instances));
                Path file = state.resolve("member.properties");
                Files.writeString(file, properties(config, state, connect, instances));
                List<String> command = new ArrayList<>();
                command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                command.addAll(ChildJvm.JVM_FLAGS);
                command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.cdcrunner.cli.CdcRunner",
                        "run", "--config", file.toString()));
                members.add(new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(state.resolve("member.log").toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start());
            }
            long first = 0;
            long last = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (System.nanoTime() < deadline) {
                long done = ledgerEntries(ledger);
                long now = System.nanoTime();
                if (done > 0 && first == 0) {
                    first = now;
                }
                if (done >= rows) {
                    last = now;
                    break;
                }
                if (members.stream().anyMatch(p -> !p.isAlive())) {
                    throw new IllegalStateException("a daemon of the run with " + instances + " exited; see its"
                            + " member.log under " + bench.stateDir("kafka-" + instances + "-1").getParent());
                }
                Thread.sleep(50);
            }
            if (last == 0) {
                throw new IllegalStateException(instances + " daemon(s) did not drain " + rows + " events in 10 minutes");
            }
            double seconds = (last - first) / 1e9;
            run.put("drain_s", Math.round(seconds * 100) / 100.0);
            run.put("events_per_s", Math.round(rows / seconds));
        } finally {
            for (Process member : members) {
                member.destroy();
            }
            for (Process member : members) {
                if (!member.waitFor(60, TimeUnit.SECONDS)) {
                    member.destroyForcibly();
                }
            }
        }
        run.put("summary_check", summaryCheck("bench.kafka_summary_" + instances));
        return run;
    }

    /** The member's configuration as a properties file: the password from the benchmark's own source settings. */
    private String properties(RunnerConfig config, Path state, EmbeddedConnectCluster connect, int instances) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("pipeline.name", PIPELINE);
        keys.put("source.host", config.source().host());
        keys.put("source.port", String.valueOf(config.source().port()));
        keys.put("source.user", config.source().user());
        keys.put("source.password", config.source().password().reveal());
        keys.put("source.tables", "bench." + TABLE);
        keys.put("state.dir", state.toString());
        keys.putAll(memberKeys(connect, instances));
        StringBuilder text = new StringBuilder();
        keys.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        return text.toString();
    }

    /** Commit-to-processed latency at the paced rate: through Kafka, then the embedded source, each a fresh JVM. */
    private Map<String, Object> latency(EmbeddedConnectCluster connect) throws Exception {
        Map<String, Object> result = new LinkedHashMap<>();
        TextTable table = new TextTable("source", "rate/s", "achieved", "steady p50 ms", "p99 ms", "max ms", "missing");
        for (String mode : List.of("kafka", "cdc")) {
            String name = mode.equals("kafka") ? "through-kafka" : "embedded";
            String latencyTable = "kafka_latency_" + (mode.equals("kafka") ? "kafka" : "embedded");
            bench.createTable(latencyTable);
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("mode", mode);
            args.put("label", name);
            args.put("rate", latencyRate);
            args.put("warm.s", 10);
            args.put("steady.s", 30);
            args.put("table", latencyTable);
            args.put("state", bench.stateDir("kafka-latency-" + name));
            args.put("server.id", bench.nextServerId());
            args.putAll(tuning.toArgs());
            args.put("daemon.processor.read.visibility", "off");
            if (mode.equals("kafka")) {
                args.put("kafka.bootstrap", connect.kafka().bootstrapServers());
                Map<String, String> keys = new LinkedHashMap<>(tuning.daemonKeys());
                keys.put("source.type", "kafka");
                keys.put("kafka.bootstrap.servers", connect.kafka().bootstrapServers());
                keys.put("source.operations", "insert");
                keys.put("source.flavor", bench.source.flavor().name().toLowerCase(java.util.Locale.ROOT));
                keys.put("source.server.id", String.valueOf(bench.nextServerId()));
                keys.put("kafka.topic.partitions", String.valueOf(PARTITIONS));
                keys.put("deadletter.store", "io.cdcrunner.deadletter.JdbcDeadLetterStore");
                deploy(connect, bench.source.pipelineConfig("latency", latencyTable, bench.stateDir("kafka-latency-c"),
                        keys));
            }
            bench.out.printf("  %s: %d rows/s, 10 s warm-up + 30 s ...%n", name, latencyRate);
            Map<String, Object> run = bench.runChild("kafka-latency-" + name, LatencyRun.class, List.of(), args,
                    Duration.ofMinutes(3));
            result.put(name, run);
            @SuppressWarnings("unchecked")
            Map<String, Object> steady = (Map<String, Object>) run.get("steady");
            table.row(name, latencyRate, run.get("achieved_rate"), steady.get("p50_ms"), steady.get("p99_ms"),
                    steady.get("max_ms"), run.get("missing"));
        }
        bench.out.print(table);
        return result;
    }

    /** Events the run's daemons committed; 0 before the first of them created the ledger. */
    private long ledgerEntries(String ledger) throws Exception {
        try {
            return count("SELECT COUNT(*) FROM " + ledger + " WHERE pipeline = '" + PIPELINE + "'");
        } catch (java.sql.SQLSyntaxErrorException e) {
            return 0;
        }
    }

    private String summaryCheck(String summary) throws Exception {
        long differing = count("SELECT COUNT(*) FROM (SELECT customer_id AS k, COUNT(*) AS n, SUM(amount) AS total,"
                + " MAX(id) AS top FROM bench." + TABLE + " GROUP BY customer_id) r LEFT JOIN " + summary
                + " m ON m.family_key = r.k WHERE m.family_key IS NULL OR m.row_count <> r.n OR m.value_sum <> r.total"
                + " OR m.max_id <> r.top");
        return count("SELECT COUNT(*) FROM " + summary) + " / " + count("SELECT COALESCE(SUM(row_count), 0) FROM "
                + summary) + ", " + differing + " differ";
    }

    private long count(String sql) throws Exception {
        try (Connection c = bench.db.rootConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
