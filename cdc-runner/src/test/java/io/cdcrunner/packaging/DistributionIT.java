package io.cdcrunner.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.localdb.LocalJava;
import io.cdcrunner.localdb.LocalMariaDb;
import io.cdcrunner.testkit.DatabaseTest;

/**
 * The built distribution as a user runs it: {@code bin/cdc-runner run} against a real MariaDB, with the Prometheus
 * agent and remote JMX on, watched by {@code bin/cdc-runner status} and a scrape of {@code /metrics}, stopped by
 * SIGTERM. Runs in the integration-test phase, after {@code package} built {@code dist/cdc-runner-VERSION/}.
 */
@DatabaseTest
class DistributionIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String PASSWORD = "dist-secret-4711";
    private static final int ROWS = 300;

    @TempDir
    Path temp;

    @Test
    void theDistributionStartsFromItsLauncherProcessesEventsReportsStatusAndMetricsAndStopsCleanly() throws Exception {
        Path built = Path.of(System.getProperty("cdc.dist.dir", "../dist/cdc-runner-missing"));
        assertThat(built.resolve("bin/cdc-runner")).as("built by mvn package (make dist)").isExecutable();
        Path dist = built.toRealPath();
        Path launcher = dist.resolve("bin/cdc-runner");
        assertThat(dist.resolve("config/logback.xml")).exists();
        assertThat(dist.resolve("config/jmx-exporter.yml")).exists();
        // Users put their processor jars in ext/, which the launcher puts on the class path after lib/.
        assertThat(dist.resolve("ext")).isDirectory();
        assertThat(Files.readString(dist.resolve("bin/cdc-runner"))).contains("-cp \"$home/lib/*:$home/ext/*\"");

        try (LocalMariaDb db = LocalMariaDb.builder().start()) {
            db.execute("CREATE DATABASE shop", "CREATE TABLE shop.orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, "
                    + "customer_id INT NOT NULL, amount DECIMAL(12,2) NOT NULL)");
            db.createCdcUser("cdc", PASSWORD);
            int jmxPort = freePort();
            int metricsPort = freePort();
            Path state = temp.resolve("state");
            Path jmxPasswords = Files.writeString(temp.resolve("jmx.password"), "monitor dist-jmx-pw\n");
            Files.setPosixFilePermissions(jmxPasswords, PosixFilePermissions.fromString("rw-------"));
            Path config = Files.writeString(temp.resolve("dist.properties"), String.join("\n",
                    "pipeline.name=dist",
                    "source.host=" + db.host(),
                    "source.port=" + db.port(),
                    "source.user=cdc",
                    "source.tables=shop.orders",
                    "state.dir=" + state,
                    "jmx.remote.port=" + jmxPort,
                    "jmx.remote.password.file=" + jmxPasswords,
                    "processor.class=io.cdcrunner.processor.builtin.FamilyAggregateProcessor",
                    "processor.family.table=shop.orders",
                    "processor.family.column=customer_id",
                    "processor.family.value.column=amount",
                    "processor.family.summary.table=shop.customer_totals",
                    "processor.threads=2",
                    "processor.ordering.column=customer_id", ""));
            Path log = temp.resolve("daemon.log");
            ProcessBuilder daemon = new ProcessBuilder(launcher.toString(), "run")
                    .redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            daemon.environment().putAll(Map.of("CDC_CONFIG", config.toString(), "CDC_SOURCE_PASSWORD", PASSWORD,
                    "CDC_PROMETHEUS_PORT", "127.0.0.1:" + metricsPort, "JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC",
                    "JAVA_HOME", System.getProperty("java.home"), "CDC_AOT_DIR", temp.resolve("aot").toString()));
            Process process = daemon.start();
            try {
                String jmx = "127.0.0.1:" + jmxPort;
                await().atMost(WAIT).until(() -> !process.isAlive() || run(launcher, "status", "--jmx", jmx, "--jmx-password-file", jmxPasswords.toString()).exitCode() == 0);
                assertThat(process.isAlive()).as("daemon running; log:\n" + read(log)).isTrue();

                insertOrders(db, ROWS);
                String counter = "cdc_runner_pipeline_events_processed_total{pipeline=\"dist\"} " + ROWS + ".0";
                await().atMost(WAIT).until(() -> scrape(metricsPort).contains(counter));
                String metrics = scrape(metricsPort);
                assertThat(metrics).contains("cdc_runner_pipeline_events_received_total{pipeline=\"dist\"} " + ROWS + ".0")
                        .contains("cdc_runner_pipeline_events_failed_total{pipeline=\"dist\"} 0.0")
                        .contains("cdc_runner_pipeline_processing_time_millis{pipeline=\"dist\",quantile=\"0.99\"}")
                        .contains("debezium_metrics_totalnumberofeventsseen{context=\"streaming\",pipeline=\"dist\"");

                await().atMost(WAIT).until(() -> run(launcher, "status", "--jmx", jmx, "--jmx-password-file", jmxPasswords.toString()).output().contains("in flight 0"));
                LauncherCommand status = run(launcher, "status", "--jmx", jmx, "--jmx-password-file", jmxPasswords.toString());
                System.out.println("$ bin/cdc-runner status --jmx " + jmx + "\n" + status.output());
                assertThat(status.exitCode()).isZero();
                assertThat(status.output()).contains("pipeline 'dist': STREAMING, healthy")
                        .contains("received " + ROWS + ", processed " + ROWS + ", in flight 0")
                        .containsPattern("behind source +0 ms");
                assertThat(customersSummed(db)).as("summaries cover every order").isEqualTo(ROWS);

                String arguments = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "cmdline"))
                        .replace('\0', ' ');
                assertThat(arguments).as("process arguments").doesNotContain(PASSWORD).contains("-Xmx256m")
                        .contains("-javaagent:").contains("-Dlogback.configurationFile=" + dist.resolve("config/logback.xml"));
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state))).isEqualTo("rwx------");

                process.destroy();
                assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(process.exitValue()).as("clean stop on SIGTERM; log:\n" + read(log)).isZero();

                LauncherCommand stopped = run(launcher, "status", "--jmx", jmx, "--jmx-password-file", jmxPasswords.toString(), "--timeout", "5");
                assertThat(stopped.exitCode()).isEqualTo(5);
                String output = read(log);
                assertThat(output).contains("effective configuration:").contains("source.password=******")
                        .doesNotContain(PASSWORD);
                if (Runtime.version().feature() < 25) {
                    assertThat(output).contains("cdc-runner: CDC_AOT_DIR is set, but an AOT cache needs Java 25 or later "
                            + "(this is Java " + Runtime.version().feature() + "): running without one");
                }
            } finally {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void onJava25TheFirstRunRecordsAnAotCacheAndTheNextStartsFromIt() throws Exception {
        Path java25 = LocalJava.atLeast(25).orElse(null);
        Assumptions.assumeTrue(java25 != null, "no Java 25 or later here (looked at $JAVA25_HOME and /usr/lib/jvm)");
        Path launcher = Path.of(System.getProperty("cdc.dist.dir", "../dist/cdc-runner-missing"))
                .toRealPath().resolve("bin/cdc-runner");
        try (LocalMariaDb db = LocalMariaDb.builder().start()) {
            db.execute("CREATE DATABASE shop", "CREATE TABLE shop.orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, "
                    + "customer_id INT NOT NULL, amount DECIMAL(12,2) NOT NULL)");
            db.createCdcUser("cdc", PASSWORD);
            Path config = Files.writeString(temp.resolve("aot.properties"), String.join("\n",
                    "pipeline.name=aot",
                    "source.host=" + db.host(),
                    "source.port=" + db.port(),
                    "source.user=cdc",
                    "source.tables=shop.orders",
                    "state.dir=" + temp.resolve("state"), ""));
            Path aot = temp.resolve("aot");
            // -Xlog:aot: the JVM's own word on whether it mapped the cache.
            Map<String, String> env = Map.of("CDC_CONFIG", config.toString(), "CDC_SOURCE_PASSWORD", PASSWORD,
                    "JAVA_HOME", java25.toString(), "JAVA_OPTS", "-Xmx256m -Xlog:aot", "CDC_AOT_DIR", aot.toString());

            // A run that processes nothing (here: a bad configuration) leaves no usable cache behind.
            Map<String, String> badEnv = new java.util.HashMap<>(env);
            badEnv.put("CDC_CONFIG", Files.writeString(temp.resolve("bad.properties"), "source.port=none\n").toString());
            LauncherCommand bad = run(launcher, badEnv, "run");
            assertThat(bad.exitCode()).as(bad.output()).isEqualTo(2);

            String first = runUntilStopped(launcher, env, db, 200, temp.resolve("first.log"));
            assertThat(first).contains("cdc-runner: recording an AOT cache").contains("processed=200");
            List<Path> caches;
            try (var files = Files.list(aot)) {
                caches = files.filter(f -> f.getFileName().toString().endsWith(".aot")).toList();
            }
            assertThat(caches).as("written when the daemon stopped; log:\n" + first).hasSize(1);
            assertThat(Path.of(caches.get(0) + ".ok")).as("marked usable by a run that processed events").exists();

            String second = runUntilStopped(launcher, env, db, 50, temp.resolve("second.log"));
            assertThat(second).contains("cdc-runner: starting from the AOT cache " + caches.get(0))
                    .contains("Using AOT-linked classes: true").contains("processed=50")
                    .doesNotContain("[error]").doesNotContain("Unable to use");
            System.out.printf("[dist] Java %s: first run recorded %s (%,d bytes), second run started from it%n",
                    LocalJava.feature(java25), caches.get(0).getFileName(), Files.size(caches.get(0)));
        }
    }

    /** Starts the daemon, waits until it streams, inserts {@code rows}, stops it with SIGTERM; returns its log. */
    private static String runUntilStopped(Path launcher, Map<String, String> env, LocalMariaDb db, int rows, Path log)
            throws Exception {
        ProcessBuilder daemon = new ProcessBuilder(launcher.toString(), "run")
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        daemon.environment().putAll(env);
        Process process = daemon.start();
        try {
            await().atMost(WAIT).until(() -> !process.isAlive() || read(log).contains("' streaming"));
            assertThat(process.isAlive()).as("daemon running; log:\n" + read(log)).isTrue();
            insertOrders(db, rows);
            // The stats line (every 10 s, when it changed) counts the events this run processed.
            await().atMost(WAIT).until(() -> read(log).contains("stats: processed=" + rows + " ") || !process.isAlive());
            process.destroy();
            assertThat(process.waitFor(90, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as("clean stop on SIGTERM; log:\n" + read(log)).isZero();
            return read(log);
        } finally {
            process.destroyForcibly();
        }
    }

    private LauncherCommand run(Path launcher, String... args) throws IOException, InterruptedException {
        return run(launcher, Map.of(), args);
    }

    private LauncherCommand run(Path launcher, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        return LauncherCommand.run(temp, 60, launcher, env, args);
    }

    private static String scrape(int port) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static void insertOrders(LocalMariaDb db, int rows) throws Exception {
        try (Connection c = db.rootConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO shop.orders (customer_id, amount) VALUES (?, ?)")) {
            for (int i = 0; i < rows; i++) {
                insert.setInt(1, i % 17);
                insert.setBigDecimal(2, new java.math.BigDecimal("1.25"));
                insert.executeUpdate();
            }
        }
    }

    private static long customersSummed(LocalMariaDb db) throws Exception {
        try (Connection c = db.rootConnection();
             var rows = c.createStatement().executeQuery("SELECT COALESCE(SUM(row_count), 0) FROM shop.customer_totals")) {
            rows.next();
            return rows.getLong(1);
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
}
