package io.cdcrunner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.management.ObjectName;
import javax.management.StandardMBean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cdcrunner.binlog.backfill.BackfillMXBean;
import io.cdcrunner.binlog.backfill.Backfills;
import io.cdcrunner.config.ConfigLoader;
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.core.StubPipelineView;
import io.cdcrunner.metrics.PipelineMonitoring;
import io.cdcrunner.testkit.UnitTest;

/**
 * {@code cdc-runner snapshot} and the backfill part of {@code cdc-runner status} against this JVM's remote JMX serving
 * stub pipelines and a stand-in backfill MBean: what an operator and a monitoring user see, with no database and no
 * daemon. The guard's side (who may invoke what) is {@code RemoteJmxAccessTest}'s.
 */
@UnitTest
class SnapshotCommandTest {

    private static final String SOURCE_PASSWORD = "s0urce-s3cret";

    @TempDir
    Path temp;

    /** Unique per run: the platform MBean server may hold other tests' pipelines. */
    private final String prefix = "sn" + UUID.randomUUID().toString().substring(0, 8);
    private final List<PipelineMonitoring> monitorings = new ArrayList<>();
    private final List<ObjectName> registered = new ArrayList<>();
    private int port;

    @AfterEach
    void close() throws Exception {
        monitorings.forEach(PipelineMonitoring::close);
        for (ObjectName name : registered) {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        }
    }

    @Test
    void anOperatorsRequestReachesTheDaemonAndItsAnswerIsPrinted() throws Exception {
        StubPipelineView view = monitored("shop");
        FakeBackfills backfills = backfills(view);

        CommandRun run = asOperator(view, "--tables", "shop.orders,shop.items", "--where", "id > 5");

        assertThat(run.exitCode()).as(run.all()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).isEqualTo("backfill b1 of shop.orders,shop.items started" + System.lineSeparator());
        assertThat(backfills.requests).containsExactly("shop.orders,shop.items where id > 5");

        assertThat(asOperator(view, "--tables", "shop.orders").exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(backfills.requests).as("no --where: every row").endsWith("shop.orders where ");
    }

    @Test
    void aRefusedRequestExits2WithTheDaemonsReasonAlone() throws Exception {
        StubPipelineView view = monitored("refused");
        backfills(view);

        CommandRun run = asOperator(view, "--tables", "shop.nope");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_CONFIG);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo(FakeBackfills.REFUSAL + System.lineSeparator());
    }

    @Test
    void aMonitoringUserReadsTheRunButMayNotStartOrStopOne() throws Exception {
        StubPipelineView view = monitored("readonly");
        FakeBackfills backfills = backfills(view);

        CommandRun start = asMonitor(view, "--tables", "shop.orders");
        assertThat(start.exitCode()).isEqualTo(ExitCodes.BAD_CONFIG);
        assertThat(start.err()).startsWith("refused: ")
                .contains("the JMX user (--jmx-user) needs readwrite in the daemon's jmx.remote.access.file");
        CommandRun stop = asMonitor(view, "--stop");
        assertThat(stop.exitCode()).isEqualTo(ExitCodes.BAD_CONFIG);
        assertThat(stop.err()).contains("needs readwrite in the daemon's jmx.remote.access.file");
        assertThat(backfills.requests).isEmpty();
        assertThat(backfills.stops).isZero();

        assertThat(asMonitor(view, "--status").exitCode()).isEqualTo(ExitCodes.OK);
    }

    @Test
    void statusShowsTheRunInTextAndJson() throws Exception {
        StubPipelineView view = monitored("progress");
        backfills(view).running();

        CommandRun text = asMonitor(view, "--status");
        assertThat(text.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(text.out()).startsWith("backfill b1 of pipeline '" + view.name() + "': RUNNING")
                .containsPattern("reason +request")
                .containsPattern("where +amount > 0")
                .containsPattern("tables +shop.orders rows 1200 of ~5000, 3 chunks\\R +shop.items rows 0, 0 chunks")
                .containsPattern("rows delivered +1,200")
                .containsPattern("chunks read +3")
                .containsPattern("rate +400.0 rows/s")
                .containsPattern("time left +about 2 m 0 s")
                .containsPattern("problems +none")
                .containsPattern("queued +b2 QUEUED shop.customers")
                .containsPattern("recent runs +b0 COMPLETED shop.orders");

        CommandRun json = asMonitor(view, "--status", "--json");
        assertThat(json.exitCode()).isEqualTo(ExitCodes.OK);
        JsonNode run = new ObjectMapper().readTree(json.out());
        assertThat(run.get("pipeline").asText()).isEqualTo(view.name());
        assertThat(run.get("runId").asText()).isEqualTo("b1");
        assertThat(run.get("state").asText()).isEqualTo("RUNNING");
        assertThat(run.get("where").asText()).isEqualTo("amount > 0");
        assertThat(run.get("tables")).hasSize(2);
        assertThat(run.get("rowsDelivered").asLong()).isEqualTo(1200);
        assertThat(run.get("chunksRead").asLong()).isEqualTo(3);
        assertThat(run.get("rowsPerSecond").asDouble()).isEqualTo(400.0);
        assertThat(run.get("estimatedSecondsLeft").asLong()).isEqualTo(120);
        assertThat(run.get("queued").get(0).asText()).startsWith("b2 QUEUED");
        assertThat(run.get("recentRuns").get(0).asText()).startsWith("b0 COMPLETED");
    }

    @Test
    void statusOfAPipelineWithoutRunsSaysSo() throws Exception {
        StubPipelineView view = monitored("idle");
        backfills(view);

        CommandRun text = asMonitor(view, "--status");

        assertThat(text.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(text.out()).isEqualTo("pipeline '" + view.name() + "' has had no backfill" + System.lineSeparator());
    }

    @Test
    void stopIsPassedOnAndItsAnswerPrinted() throws Exception {
        StubPipelineView view = monitored("stop");
        FakeBackfills backfills = backfills(view);

        CommandRun run = asOperator(view, "--stop");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("stopping b1; rows already delivered stay delivered");
        assertThat(backfills.stops).isEqualTo(1);
    }

    @Test
    void withoutABackfillMBeanItSaysWhyAndExits5() throws Exception {
        StubPipelineView streaming = monitored("plain");
        StubPipelineView standby = monitored("standby").state(PipelineState.STANDBY);
        StubPipelineView kafka = monitored("kafka").sourcePartitions(List.of("kafka.shop.orders-0 lag 0"));

        CommandRun plain = asOperator(streaming, "--tables", "shop.orders");
        assertThat(plain.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(plain.err()).contains("pipeline '" + streaming.name() + "' is STREAMING but serves no backfills")
                .contains("source.type=kafka; backfills are not supported there");

        CommandRun waiting = asOperator(standby, "--status");
        assertThat(waiting.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(waiting.err()).contains("pipeline '" + standby.name() + "' is a standby here")
                .contains("another instance holds the lease");

        CommandRun consumer = asOperator(kafka, "--stop");
        assertThat(consumer.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(consumer.err()).contains("pipeline '" + kafka.name() + "' reads Kafka topics (source.type=kafka):"
                + " backfills are not supported there");

        CommandRun unknown = CommandRun.of("snapshot", "--status", "--jmx", "127.0.0.1:" + port, "--jmx-user",
                "monitor", "--jmx-password-file", temp.resolve("jmx.password").toString(), "--pipeline", prefix + "-x");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(unknown.err()).contains("no pipeline named '" + prefix + "-x' runs in that daemon");
    }

    @Test
    void theDaemonsConfigurationNamesThePipelineAndTheAddressAndNoSecretIsPrinted() throws Exception {
        StubPipelineView view = monitored("configured");
        backfills(view).running();
        monitored("other");
        Path config = properties("daemon.properties", view.name(), Map.of());

        CommandRun run = CommandRun.of("snapshot", "--config", config.toString(), "--status", "--jmx-user", "monitor",
                "--jmx-password-file", temp.resolve("jmx.password").toString());

        assertThat(run.exitCode()).as(run.all()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).startsWith("backfill b1 of pipeline '" + view.name() + "': RUNNING");
        assertThat(run.all()).doesNotContain(SOURCE_PASSWORD, "m0nitor-pw");

        Path kafka = properties("kafka.properties", view.name() + "-k", Map.of("source.type", "kafka",
                "kafka.bootstrap.servers", "127.0.0.1:9092", "deadletter.store",
                "io.cdcrunner.deadletter.JdbcDeadLetterStore"));
        monitored("configured-k");
        CommandRun consumer = CommandRun.of("snapshot", "--config", kafka.toString(), "--status", "--jmx-user",
                "monitor", "--jmx-password-file", temp.resolve("jmx.password").toString());
        assertThat(consumer.exitCode()).as(consumer.all()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(consumer.err())
                .contains("reads Kafka topics (source.type=kafka): backfills are not supported there");
        assertThat(consumer.all()).doesNotContain(SOURCE_PASSWORD);

        Path local = properties("local.properties", view.name(), Map.of("jmx.remote.port", "0"));
        CommandRun noAddress = CommandRun.of("snapshot", "--config", local.toString(), "--status");
        assertThat(noAddress.exitCode()).isEqualTo(ExitCodes.BAD_CONFIG);
        assertThat(noAddress.err()).contains(local + " sets no jmx.remote.port: name the daemon with --pid PID");
    }

    @Test
    void formsThatCannotBeCombinedAreCommandLineErrors() {
        assertThat(CommandRun.of("snapshot", "--status", "--stop", "--pid", "1").exitCode())
                .isEqualTo(ExitCodes.BAD_CONFIG);
        assertThat(CommandRun.of("snapshot", "--where", "id > 1", "--pid", "1").err())
                .contains("Missing required argument(s): --tables");
        assertThat(CommandRun.of("snapshot", "--json", "--pid", "1").err())
                .contains("Missing required argument(s): --status");
        CommandRun nowhere = CommandRun.of("snapshot", "--status");
        assertThat(nowhere.exitCode()).isEqualTo(ExitCodes.BAD_CONFIG);
        assertThat(nowhere.err()).contains("name the daemon: --pid PID, --jmx HOST:PORT, or --config FILE");
    }

    @Test
    void statusAddsTheRunToTextAndJsonAndStaysHealthy() throws Exception {
        StubPipelineView view = monitored("status");
        FakeBackfills backfills = backfills(view);
        String[] status = {"status", "--jmx", "127.0.0.1:" + port, "--jmx-user", "monitor", "--jmx-password-file",
            temp.resolve("jmx.password").toString(), "--pipeline", view.name()};

        CommandRun before = CommandRun.of(status);
        assertThat(before.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(before.out()).doesNotContain("backfill");

        backfills.running();
        CommandRun text = CommandRun.of(status);
        assertThat(text.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(text.out()).containsPattern("backfill +b1 RUNNING, 1,200 rows delivered, time left about 2 m 0 s,"
                + " 1 queued");

        String[] json = java.util.Arrays.copyOf(status, status.length + 1);
        json[status.length] = "--json";
        JsonNode report = new ObjectMapper().readTree(CommandRun.of(json).out());
        assertThat(report.get("healthy").asBoolean()).isTrue();
        assertThat(report.get("backfill").get("runId").asText()).isEqualTo("b1");
        assertThat(report.get("backfill").get("state").asText()).isEqualTo("RUNNING");
        assertThat(report.get("backfill").get("rowsDelivered").asLong()).isEqualTo(1200);
        assertThat(report.get("backfill").get("estimatedSecondsLeft").asLong()).isEqualTo(120);
    }

    /** Stands in for a pipeline's {@code Backfills}: answers as it does and records what it was asked. */
    public static final class FakeBackfills implements BackfillMXBean {
        static final String REFUSAL = "shop.nope is not captured: add it to source.tables first";

        final List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile int stops;
        private volatile boolean running;

        FakeBackfills running() {
            running = true;
            return this;
        }

        @Override
        public String getRunId() {
            return running ? "b1" : "";
        }

        @Override
        public String getState() {
            return running ? "RUNNING" : "NONE";
        }

        @Override
        public String getReason() {
            return running ? "request" : "";
        }

        @Override
        public String getWhere() {
            return running ? "amount > 0" : "";
        }

        @Override
        public String[] getTables() {
            return running ? new String[] {"shop.orders rows 1200 of ~5000, 3 chunks", "shop.items rows 0, 0 chunks"}
                    : new String[0];
        }

        @Override
        public long getRowsDelivered() {
            return running ? 1200 : 0;
        }

        @Override
        public long getChunksRead() {
            return running ? 3 : 0;
        }

        @Override
        public double getRowsPerSecond() {
            return running ? 400.0 : 0;
        }

        @Override
        public long getEstimatedSecondsLeft() {
            return running ? 120 : -1;
        }

        @Override
        public String[] getProblems() {
            return new String[0];
        }

        @Override
        public String[] getQueued() {
            return running ? new String[] {"b2 QUEUED shop.customers (request), 0 rows, asked 2025-01-01T00:00:00Z"}
                    : new String[0];
        }

        @Override
        public String[] getRecentRuns() {
            return running ? new String[] {"b0 COMPLETED shop.orders (new tables), 10 rows, ended 2025-01-01T00:00:00Z"}
                    : new String[0];
        }

        @Override
        public synchronized String startBackfill(String tables, String where) {
            if (tables.contains("nope")) {
                throw new IllegalArgumentException(REFUSAL);
            }
            requests.add(tables + " where " + where);
            return "backfill b1 of " + tables + " started";
        }

        @Override
        public synchronized String stopBackfill() {
            stops++;
            return "stopping b1; rows already delivered stay delivered";
        }
    }

    /** A stub pipeline under its MBean; the first one also opens remote JMX with a monitor and an operator. */
    private StubPipelineView monitored(String name) throws Exception {
        StubPipelineView view = new StubPipelineView(prefix + "-" + name);
        Map<String, String> settings = new HashMap<>(Map.of("source.host", "127.0.0.1", "source.user", "cdc",
                "pipeline.name", view.name()));
        if (port == 0) {
            port = freePort();
            settings.putAll(Map.of("jmx.remote.port", String.valueOf(port),
                    "jmx.remote.password.file", ownerOnly("jmx.password", "monitor m0nitor-pw\noperator 0perator-pw\n"),
                    "jmx.remote.access.file", ownerOnly("jmx.access", "monitor readonly\noperator readwrite\n")));
        }
        PipelineMonitoring monitoring = new PipelineMonitoring(view, ConfigLoader.fromMap(settings));
        monitorings.add(monitoring);
        monitoring.start();
        return view;
    }

    private FakeBackfills backfills(StubPipelineView view) throws Exception {
        FakeBackfills backfills = new FakeBackfills();
        ObjectName name = Backfills.objectName(view.name());
        ManagementFactory.getPlatformMBeanServer().registerMBean(new StandardMBean(backfills, BackfillMXBean.class,
                true), name);
        registered.add(name);
        return backfills;
    }

    /** The daemon's properties file: its pipeline, its remote JMX port, and a source password never to be shown. */
    private Path properties(String file, String pipeline, Map<String, String> extra) throws IOException {
        Map<String, String> keys = new HashMap<>(Map.of("pipeline.name", pipeline, "source.host", "127.0.0.1",
                "source.user", "cdc", "source.password", SOURCE_PASSWORD, "jmx.remote.port", String.valueOf(port),
                "jmx.remote.password.file", temp.resolve("jmx.password").toString(),
                "state.dir", temp.resolve("state").toString()));
        keys.putAll(extra);
        StringBuilder text = new StringBuilder();
        keys.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        return Files.writeString(temp.resolve(file), text);
    }

    private CommandRun asOperator(StubPipelineView view, String... args) {
        return snapshot("operator", view, args);
    }

    private CommandRun asMonitor(StubPipelineView view, String... args) {
        return snapshot("monitor", view, args);
    }

    private CommandRun snapshot(String user, StubPipelineView view, String... args) {
        List<String> all = new ArrayList<>(List.of("snapshot", "--jmx", "127.0.0.1:" + port, "--jmx-user", user,
                "--jmx-password-file", temp.resolve("jmx.password").toString(), "--pipeline", view.name()));
        all.addAll(List.of(args));
        return CommandRun.of(all.toArray(String[]::new));
    }

    private String ownerOnly(String name, String text) throws IOException {
        Path file = Files.writeString(temp.resolve(name), text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
