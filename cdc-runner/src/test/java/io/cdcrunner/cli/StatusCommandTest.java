package io.cdcrunner.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.pipeline.TestPipelines;
import io.cdcrunner.testdb.LocalTestDatabase;
import io.cdcrunner.testkit.DatabaseTest;

/** {@code cdc-runner status} against a daemon's remote JMX port, as a health check would run it. */
@DatabaseTest
class StatusCommandTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static LocalTestDatabase db;

    @TempDir
    Path temp;

    @BeforeAll
    static void startDatabase() {
        db = new LocalTestDatabase(Flavor.MARIADB);
        db.createCdcUser(TestPipelines.USER, TestPipelines.PASSWORD);
    }

    @AfterAll
    static void stopDatabase() {
        db.close();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private Pipeline startPipeline(String name, Map<String, String> extra) throws Exception {
        db.execute("CREATE DATABASE " + name, "CREATE TABLE " + name + ".orders (id BIGINT PRIMARY KEY, amount INT)");
        Map<String, String> settings = new HashMap<>(Map.of("pipeline.name", name, "source.tables", name + ".orders"));
        settings.putAll(extra);
        Pipeline pipeline = Pipelines.create(TestPipelines.config(db, Files.createDirectories(temp.resolve(name)), settings));
        pipeline.start();
        return pipeline;
    }

    @Test
    void aRunningDaemonReportsItsFiguresAndExits0AndAStoppedOneExits5() throws Exception {
        int port = freePort();
        // The test JVM may hold other tests' pipelines: name ours (a daemon runs one, which status finds alone).
        String jmx = "127.0.0.1:" + port;
        try (Pipeline pipeline = startPipeline("status", remoteJmx(port))) {
            for (int id = 1; id <= 25; id++) {
                db.execute("INSERT INTO status.orders VALUES (" + id + ", " + id + ")");
            }
            await().atMost(WAIT).until(() -> pipeline.counters().processedCount() == 25
                    && monitorStatus("--jmx", jmx, "--pipeline", "status").out().contains("in flight 0"));

            CommandRun text = monitorStatus("--jmx", jmx, "--pipeline", "status");
            System.out.println("cdc-runner status --jmx " + jmx + "\n" + text.out());
            assertThat(text.exitCode()).isEqualTo(ExitCodes.OK);
            assertThat(text.out())
                    .contains("pipeline 'status': STREAMING, healthy")
                    .contains("received 25, processed 25, in flight 0")
                    .contains("failed attempts 0, retried 0, dead-lettered 0, duplicates skipped 0")
                    .containsPattern("last position +binlog\\.\\d+:\\d+:0, GTID 0-1-\\d+")
                    .contains("(25 events, last minute)")
                    .containsPattern("last error +none");

            CommandRun json = monitorStatus("--jmx", jmx, "--pipeline", "status", "--json");
            assertThat(json.exitCode()).isEqualTo(ExitCodes.OK);
            JsonNode report = new ObjectMapper().readTree(json.out());
            assertThat(report.get("state").asText()).isEqualTo("STREAMING");
            assertThat(report.get("eventsProcessed").asLong()).isEqualTo(25);
            assertThat(report.get("healthy").asBoolean()).isTrue();
            assertThat(report.get("processingTimeMillis").get("count").asLong()).isEqualTo(25);
            assertThat(report.get("commitToProcessedMillis").has("p999")).isTrue();
        }
        CommandRun stopped = monitorStatus("--jmx", jmx, "--timeout", "5");
        assertThat(stopped.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(stopped.err()).contains("cannot reach a cdc-runner daemon at " + jmx);
    }

    @Test
    void aFailedPipelineIsReportedUnhealthyWithExit4() throws Exception {
        int port = freePort();
        Map<String, String> settings = new HashMap<>(remoteJmx(port));
        settings.putAll(Map.of("processor.fail.ids", "1", "processor.on.failure", "halt",
                "processor.retry.max.attempts", "1"));
        try (Pipeline pipeline = startPipeline("sick", settings)) {
            db.execute("INSERT INTO sick.orders VALUES (1, 1)");
            await().atMost(WAIT).until(() -> pipeline.state().isFinal());
            CommandRun result = monitorStatus("--jmx", "127.0.0.1:" + port, "--pipeline", "sick");
            assertThat(result.exitCode()).isEqualTo(ExitCodes.UNHEALTHY);
            assertThat(result.out()).contains("FAILED, NOT healthy").contains("refusing row id 1")
                    .doesNotContain(TestPipelines.PASSWORD);
        }
    }

    @Test
    void aPasswordProtectedPortNeedsTheCredentials() throws Exception {
        int port = freePort();
        Path passwords = temp.resolve("jmx.password");
        Files.writeString(passwords, "# JMX users\nmonitor s3cret-jmx\n");
        Files.setPosixFilePermissions(passwords, PosixFilePermissions.fromString("rw-------"));
        try (Pipeline pipeline = startPipeline("guarded", Map.of("jmx.remote.port", String.valueOf(port),
                "jmx.remote.password.file", passwords.toString()))) {
            String jmx = "127.0.0.1:" + port;
            await().atMost(WAIT).until(() -> pipeline.state() == io.cdcrunner.core.PipelineState.STREAMING);
            CommandRun anonymous = status("--jmx", jmx, "--pipeline", "guarded");
            assertThat(anonymous.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
            assertThat(anonymous.err()).contains("Credentials required");

            assertThat(status("--jmx", jmx, "--pipeline", "guarded", "--jmx-password-file", passwords.toString()).exitCode())
                    .isEqualTo(ExitCodes.OK);
            assertThat(status("--jmx", jmx, "--pipeline", "guarded", "--jmx-user", "monitor", "--jmx-password-file",
                    passwords.toString())
                    .exitCode()).isEqualTo(ExitCodes.OK);
        }
    }

    @Test
    void aPasswordFileOthersCanReadIsRefusedWithTheFix() throws Exception {
        Path passwords = temp.resolve("open.password");
        Files.writeString(passwords, "monitor s3cret-jmx\n");
        Files.setPosixFilePermissions(passwords, PosixFilePermissions.fromString("rw-r--r--"));
        db.execute("CREATE DATABASE leaky", "CREATE TABLE leaky.orders (id BIGINT PRIMARY KEY)");
        try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, Files.createDirectories(temp.resolve("leaky")),
                Map.of("pipeline.name", "leaky", "jmx.remote.port", String.valueOf(freePort()),
                        "jmx.remote.password.file", passwords.toString())))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(pipeline::start)
                    .hasMessageContaining("chmod 600 " + passwords);
        }
    }

    @Test
    void aSourceDownLongerThanTheLimitIsUnhealthyWithTheReasonAndTheLagKeepsGrowing() throws Exception {
        // A server of its own: this test stops it.
        try (LocalTestDatabase source = new LocalTestDatabase(Flavor.MARIADB)) {
            source.createCdcUser(TestPipelines.USER, TestPipelines.PASSWORD);
            source.execute("CREATE DATABASE down", "CREATE TABLE down.orders (id BIGINT PRIMARY KEY, amount INT)");
            int port = freePort();
            Map<String, String> settings = new HashMap<>(remoteJmx(port));
            settings.putAll(Map.of("pipeline.name", "down", "source.tables", "down.orders",
                    "source.down.unhealthy.after.ms", "3000", "source.connect.retry.max.backoff.ms", "1000"));
            String jmx = "127.0.0.1:" + port;
            try (Pipeline pipeline = Pipelines.create(TestPipelines.config(source, Files.createDirectories(temp.resolve("down")),
                    settings))) {
                pipeline.start();
                source.execute("INSERT INTO down.orders VALUES (1, 1)");
                await().atMost(WAIT).until(() -> pipeline.counters().processedCount() == 1);
                assertThat(monitorStatus("--jmx", jmx, "--pipeline", "down").exitCode()).isEqualTo(ExitCodes.OK);

                source.server().stop();
                CommandRun down = await().atMost(WAIT).until(() -> monitorStatus("--jmx", jmx, "--pipeline", "down"),
                        run -> run.exitCode() == ExitCodes.UNHEALTHY);
                assertThat(down.out()).contains("STREAMING, NOT healthy", "connection to the source (the binlog, or the Kafka brokers) has been down");
                long lagThen = lag(monitorStatus("--jmx", jmx, "--pipeline", "down", "--json"));
                await().atMost(WAIT).until(() -> lag(monitorStatus("--jmx", jmx, "--pipeline", "down", "--json"))
                        >= lagThen + 1000);

                source.server().startServer();
                await().atMost(WAIT).until(() -> monitorStatus("--jmx", jmx, "--pipeline", "down").exitCode()
                        == ExitCodes.OK);
                source.execute("INSERT INTO down.orders VALUES (2, 2)");
                await().atMost(WAIT).until(() -> pipeline.counters().processedCount() == 2);
            }
        }
    }

    private static long lag(CommandRun json) throws IOException {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out()).path("millisBehindSource").asLong();
    }

    @Test
    void withoutATargetTheCommandLineIsRejected() {
        assertThat(status().exitCode()).isEqualTo(ExitCodes.BAD_CONFIG);
        assertThat(status("--jmx", "no-port").exitCode()).isEqualTo(ExitCodes.BAD_CONFIG);
    }

    /** Remote JMX on {@code port} with a monitoring user (remote JMX always needs passwords). */
    private Map<String, String> remoteJmx(int port) throws IOException {
        Path passwords = temp.resolve("monitor.password");
        if (!Files.exists(passwords)) {
            Files.writeString(passwords, "monitor m0nitor-pw\n");
            Files.setPosixFilePermissions(passwords, PosixFilePermissions.fromString("rw-------"));
        }
        return Map.of("jmx.remote.port", String.valueOf(port), "jmx.remote.password.file", passwords.toString());
    }

    /** {@code status} as the monitoring user of {@link #remoteJmx}. */
    private CommandRun monitorStatus(String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--jmx-password-file";
        all[args.length + 1] = temp.resolve("monitor.password").toString();
        return status(all);
    }

    private static CommandRun status(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "status";
        System.arraycopy(args, 0, all, 1, args.length);
        return CommandRun.of(all);
    }
}
