package io.cdcrunner.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.localdb.LocalMariaDb;
import io.cdcrunner.testkit.KafkaTest;

/**
 * The scaling-out deployment through the distribution, as {@code docker/scaling-out.yml} runs it: a Kafka Connect
 * worker started from the distribution's {@code lib/} with {@code docker/connect-worker.properties}, the connector
 * created by {@code cdc-runner connector-config --apply} (its password placeholder resolved by the worker's env
 * config provider), {@code check} comparing it, and a {@code source.type=kafka} daemon started by the launcher
 * computing every family. The broker is a real KRaft one from Kafka's test harness.
 */
@KafkaTest
class ConnectDistributionIT {

    private static final String PASSWORD = "dist-connect-secret-1";
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int ROWS = 300;

    @TempDir
    Path temp;

    @Test
    void aConnectWorkerFromTheDistributionFeedsAKafkaSourceDaemonThroughConnectorConfigApply() throws Exception {
        Path dist = Path.of(System.getProperty("cdc.dist.dir", "../dist/cdc-runner-missing")).toRealPath();
        Path launcher = dist.resolve("bin/cdc-runner");
        EmbeddedKafkaCluster kafka = new EmbeddedKafkaCluster(1, new Properties());
        kafka.start();
        List<Process> processes = new ArrayList<>();
        try (LocalMariaDb db = LocalMariaDb.builder().start()) {
            db.execute("CREATE DATABASE shop", "CREATE TABLE shop.orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, "
                    + "customer_id INT NOT NULL, amount DECIMAL(12,2) NOT NULL, KEY by_customer (customer_id, amount))");
            db.createCdcUser("cdc", PASSWORD);
            int restPort = freePort();
            String connectUrl = "http://127.0.0.1:" + restPort;

            Properties worker = new Properties();
            try (Reader in = Files.newBufferedReader(Path.of("../docker/connect-worker.properties"))) {
                worker.load(in);
            }
            worker.setProperty("bootstrap.servers", kafka.bootstrapServers());
            worker.setProperty("listeners", connectUrl);
            worker.setProperty("rest.advertised.host.name", "127.0.0.1");
            Path workerFile = temp.resolve("connect-worker.properties");
            try (var out = Files.newBufferedWriter(workerFile)) {
                worker.store(out, "docker/connect-worker.properties with this test's broker and port");
            }
            Path workerLog = temp.resolve("connect.log");
            ProcessBuilder connect = new ProcessBuilder(javaBin(), "-Xmx384m", "-cp", dist.resolve("lib") + "/*",
                    "org.apache.kafka.connect.cli.ConnectDistributed", workerFile.toString())
                    .redirectErrorStream(true).redirectOutput(workerLog.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            connect.environment().put("CDC_SOURCE_PASSWORD", PASSWORD);
            processes.add(connect.start());
            await().atMost(WAIT).until(() -> get(connectUrl + "/connectors") == 200 || !processes.get(0).isAlive());
            assertThat(processes.get(0).isAlive()).as("worker running; log:\n" + tail(workerLog)).isTrue();

            Path config = Files.writeString(temp.resolve("member.properties"), String.join("\n",
                    "pipeline.name=shopk",
                    "source.type=kafka",
                    "kafka.bootstrap.servers=" + kafka.bootstrapServers(),
                    "kafka.topic.partitions=3",
                    "kafka.connect.url=" + connectUrl,
                    "source.host=" + db.host(),
                    "source.port=" + db.port(),
                    "source.user=cdc",
                    "source.flavor=mariadb",
                    "source.tables=shop.orders",
                    "source.start=snapshot",
                    "source.operations=insert",
                    "state.dir=" + temp.resolve("state"),
                    "processor.class=io.cdcrunner.processor.builtin.FamilyAggregateProcessor",
                    "processor.family.table=shop.orders",
                    "processor.family.column=customer_id",
                    "processor.family.value.column=amount",
                    "processor.family.summary.table=shop.customer_totals",
                    "processor.ordering.column=customer_id",
                    "deadletter.store=io.cdcrunner.deadletter.JdbcDeadLetterStore", ""));
            Map<String, String> env = Map.of("CDC_SOURCE_PASSWORD", PASSWORD, "JAVA_HOME",
                    System.getProperty("java.home"), "JAVA_OPTS", "-Xmx256m");

            LauncherCommand printed = run(launcher, env, "connector-config", "--config", config.toString());
            assertThat(printed.exitCode()).as(printed.output()).isZero();
            assertThat(printed.output()).contains("\"connector.class\" : \"io.cdcrunner.debezium.PromptMariaDbConnector\"")
                    .contains("${env:CDC_SOURCE_PASSWORD}").doesNotContain(PASSWORD);
            LauncherCommand applied = run(launcher, env, "connector-config", "--config", config.toString(),
                    "--apply", connectUrl);
            assertThat(applied.exitCode()).as(applied.output()).isZero();
            assertThat(applied.output()).contains("connector 'shopk' created");
            await().atMost(WAIT).until(() -> body(connectUrl + "/connectors/shopk/status").contains("\"state\":\"RUNNING\"")
                    && body(connectUrl + "/connectors/shopk/status").contains("\"tasks\":[{"));
            LauncherCommand check = run(launcher, env, "check", "--config", config.toString());
            assertThat(check.output()).contains("connector 'shopk' is configured as connector-config prints");

            Path daemonLog = temp.resolve("daemon.log");
            ProcessBuilder daemon = new ProcessBuilder(launcher.toString(), "run", "--config", config.toString())
                    .redirectErrorStream(true).redirectOutput(daemonLog.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            daemon.environment().putAll(env);
            Process member = daemon.start();
            processes.add(member);
            await().atMost(WAIT).until(() -> !member.isAlive() || read(daemonLog).contains("' streaming"));
            insertOrders(db, ROWS);
            await().atMost(WAIT).until(() -> !member.isAlive() || summed(db) == ROWS);
            assertThat(summed(db)).as("rows summed into the families; daemon log:\n" + tail(daemonLog)
                    + "\nworker log:\n" + tail(workerLog)).isEqualTo(ROWS);
            // The member over JMX: healthy, streaming, with the partitions it owns and their lag.
            LauncherCommand status = run(launcher, env, "status", "--pid", String.valueOf(member.pid()));
            assertThat(status.exitCode()).as(status.output()).isZero();
            assertThat(status.output()).contains("STREAMING, healthy").contains("partitions")
                    .contains("3 owned: shopk.shop.orders-0 lag 0");
            member.destroy();
            assertThat(member.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(member.exitValue()).as("clean stop; log:\n" + tail(daemonLog)).isZero();
            assertThat(read(daemonLog)).doesNotContain(PASSWORD);
            assertThat(read(workerLog)).doesNotContain(PASSWORD);
        } finally {
            for (Process process : processes) {
                process.destroyForcibly();
            }
            kafka.stop();
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static long summed(LocalMariaDb db) {
        try (Connection c = db.rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(SUM(row_count), 0) FROM shop.customer_totals")) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            return -1;
        }
    }

    private static void insertOrders(LocalMariaDb db, int rows) throws Exception {
        try (Connection c = db.rootConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO shop.orders (customer_id, amount) VALUES (?, ?)")) {
            for (int i = 0; i < rows; i++) {
                insert.setInt(1, i % 13);
                insert.setBigDecimal(2, new java.math.BigDecimal("2.50"));
                insert.executeUpdate();
            }
        }
    }

    private LauncherCommand run(Path launcher, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        return LauncherCommand.run(temp, 90, launcher, env, args);
    }

    private static int get(String url) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String body(String url) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body()
                    .replace(" ", "");
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    private static String tail(Path file) throws IOException {
        List<String> lines = read(file).lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
