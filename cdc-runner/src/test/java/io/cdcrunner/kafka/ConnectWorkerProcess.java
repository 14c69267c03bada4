package io.cdcrunner.kafka;

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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A Kafka Connect worker in distributed mode as a process of its own ({@code ConnectDistributed} with the tests' class
 * path, which holds cdc-runner's connectors), configured as {@code docker/connect-worker.properties} with this test's
 * broker, port and overrides: a worker a test can SIGKILL.
 */
final class ConnectWorkerProcess implements AutoCloseable {

    private static final Duration STARTED = Duration.ofSeconds(120);

    private final Process process;
    private final String url;
    private final Path log;

    private ConnectWorkerProcess(Process process, String url, Path log) {
        this.process = process;
        this.url = url;
        this.log = log;
    }

    /**
     * Starts a worker of the Connect cluster on {@code bootstrapServers} and waits until its REST API answers.
     *
     * @param environment the worker's environment (its {@code env} config provider resolves the password from it)
     */
    static ConnectWorkerProcess start(Path dir, String name, String bootstrapServers, Map<String, String> overrides,
                                      Map<String, String> environment) throws IOException {
        Properties worker = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("../docker/connect-worker.properties"))) {
            worker.load(in);
        }
        int port = freePort();
        String url = "http://127.0.0.1:" + port;
        worker.setProperty("bootstrap.servers", bootstrapServers);
        worker.setProperty("listeners", url);
        worker.setProperty("rest.advertised.host.name", "127.0.0.1");
        worker.setProperty("rest.advertised.port", String.valueOf(port));
        overrides.forEach(worker::setProperty);
        Files.createDirectories(dir);
        Path file = dir.resolve(name + ".properties");
        try (var out = Files.newBufferedWriter(file)) {
            worker.store(out, "docker/connect-worker.properties with this test's broker, port and overrides");
        }
        Path log = dir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dlogback.configurationFile=" + logbackConfig(dir), "-cp", testClassPath(),
                "org.apache.kafka.connect.cli.ConnectDistributed", file.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(environment);
        ConnectWorkerProcess started = new ConnectWorkerProcess(builder.start(), url, log);
        try {
            await().atMost(STARTED).pollInterval(Duration.ofMillis(250)).alias("worker " + name + " answering")
                    .until(() -> !started.process.isAlive() || started.status("/connectors") == 200);
        } catch (RuntimeException e) {
            started.close();
            throw new IllegalStateException("worker " + name + " did not start; its log:\n" + started.tail(), e);
        }
        if (!started.process.isAlive()) {
            throw new IllegalStateException("worker " + name + " exited; its log:\n" + started.tail());
        }
        return started;
    }

    /** The worker's REST URL. */
    String url() {
        return url;
    }

    /** Kills the worker at once: it flushes nothing, leaves no group, stops no task. */
    void sigkill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the worker outlived a SIGKILL by 30 s");
        }
    }

    /** The lines of the worker's log that contain {@code text}. */
    List<String> logLines(String text) {
        try {
            return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(line -> line.contains(text)).toList() : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The last 60 lines of the worker's log. */
    String tail() {
        try {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** The status code of a GET of {@code path}, -1 when nothing answers. */
    int status(String path) {
        return get(path).map(HttpResponse::statusCode).orElse(-1);
    }

    /** The body of a GET of {@code path}, "" when nothing answers. */
    String body(String path) {
        return get(path).map(HttpResponse::body).orElse("");
    }

    private java.util.Optional<HttpResponse<String>> get(String path) {
        try {
            return java.util.Optional.of(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The tests' logging, with Debezium's INFO lines (where its task starts reading the binlog). */
    private static Path logbackConfig(Path dir) throws IOException {
        Path file = dir.resolve("logback-connect-worker.xml");
        Files.writeString(file, """
                <configuration>
                  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="org.apache.kafka" level="WARN"/>
                  <logger name="org.apache.kafka.connect.runtime.rest" level="INFO"/>
                  <logger name="io.debezium" level="INFO"/>
                  <root level="INFO"><appender-ref ref="STDOUT"/></root>
                </configuration>
                """);
        return file;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Surefire's forked JVM may run from a manifest-only jar; it then publishes the real path. */
    private static String testClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}
