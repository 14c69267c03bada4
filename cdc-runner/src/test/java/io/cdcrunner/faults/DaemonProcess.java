package io.cdcrunner.faults;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The daemon as a real operating-system process ({@code java ... io.cdcrunner.cli.CdcRunner run --config FILE}),
 * so a test can SIGKILL it as a crash would, or SIGTERM it as an operator would. Each {@link #start} is one
 * run whose output (stdout and stderr together) goes to its own file in the log directory.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
public final class DaemonProcess implements AutoCloseable {

    private static final String MAIN_CLASS = "io.cdcrunner.cli.CdcRunner";
    private static final String LOGBACK = """
            <configuration>
              <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{30} - %msg%n</pattern></encoder>
              </appender>
              <logger name="io.debezium" level="WARN"/>
              <logger name="org.apache.kafka" level="WARN"/>
              <logger name="com.github.shyiko" level="WARN"/>
              <logger name="com.zaxxer.hikari" level="WARN"/>
              <root level="INFO"><appender-ref ref="OUT"/></root>
            </configuration>
            """;

    private final String name;
    private final Path config;
    private final Path logDir;
    private Process process;
    private Path output;
    private int runs;

    /**
     * @param name   used in the output file names, e.g. {@code crash-loop}
     * @param config the properties file passed as {@code --config}
     * @param logDir where each run's output file goes
     */
    public DaemonProcess(String name, Path config, Path logDir) {
        this.name = name;
        this.config = config;
        this.logDir = logDir;
    }

    /**
     * Starts a new run of {@code run --config FILE}; {@code jvmOptions} (e.g. {@code -Dkey=value}) go before the
     * main class.
     */
    public DaemonProcess start(String... jvmOptions) {
        if (isAlive()) {
            throw new IllegalStateException(name + " is still running (run " + runs + ")");
        }
        runs++;
        output = logDir.resolve(name + "-run-" + runs + ".log");
        process = launch(logDir, output, List.of(jvmOptions), "run", "--config", config.toString());
        return this;
    }

    @Override
    public String toString() {
        return name;
    }

    /** Sends a signal ({@code STOP}, {@code CONT}) with {@code kill}: a hang and its end, as a debugger or an overloaded host gives them. */
    public void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Asks for a clean stop (SIGTERM), as an operator or a service manager would. Does not wait. */
    public void sigterm() {
        if (process != null) {
            process.destroy();
        }
    }

    /** Kills the process (SIGKILL): no shutdown code runs, as in a crash or an OOM kill. Waits until it is gone. */
    public void sigkill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(30));
        }
    }

    /**
     * Waits for the current run to end.
     *
     * @return its exit code
     * @throws IllegalStateException if it is still running after {@code timeout}, with the output's tail
     */
    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " run " + runs + " still running after " + timeout.toSeconds()
                        + " s; output tail:\n" + tail(40));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return process.exitValue();
    }

    /** The process id of the current (or last) run. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** How many times {@link #start} was called. */
    public int runs() {
        return runs;
    }

    /** Everything the current (or last) run printed so far. */
    public String outputText() {
        return read(output);
    }

    /** Everything every run printed, in run order. */
    public String allOutput() {
        StringBuilder all = new StringBuilder();
        for (int run = 1; run <= runs; run++) {
            all.append(read(logDir.resolve(name + "-run-" + run + ".log")));
        }
        return all.toString();
    }

    /** The last {@code lines} lines of the current run's output, for failure messages. */
    public String tail(int lines) {
        return tailOf(outputText(), lines);
    }

    /** Path of the current run's output file. */
    public Path outputFile() {
        return output;
    }

    /** Kills the process if it still runs: a failed test must not leave a daemon behind. */
    @Override
    public void close() {
        if (isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** What a one-shot command (e.g. {@code dlq list}) did. */
    public record CommandResult(int exitCode, String output) {
    }

    /**
     * Runs a one-shot command of the daemon's CLI, e.g. {@code dlq list --config FILE}, in its own JVM and waits
     * (at most two minutes) for it.
     */
    public static CommandResult runCommand(Path logDir, String logName, String... args) {
        Path out = logDir.resolve(logName + ".log");
        Process p = launch(logDir, out, List.of(), args);
        try {
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly().waitFor();
                throw new IllegalStateException("cdc-runner " + String.join(" ", args)
                        + " did not finish within 2 minutes:\n" + tailOf(read(out), 40));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return new CommandResult(p.exitValue(), read(out));
    }

    private static Process launch(Path logDir, Path output, List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        // Short-lived daemons: the C2 compiler's work would not pay back, and the fault tier runs beside others.
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Dlogback.configurationFile=" + logbackConfig(logDir));
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(testClassPath());
        command.add(MAIN_CLASS);
        command.addAll(List.of(args));
        try {
            Files.createDirectories(logDir);
            return new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the daemon: " + e.getMessage(), e);
        }
    }

    /**
     * The class path of the tests, which holds the daemon, its dependencies and the test processors.
     * Surefire's forked JVM may run from a manifest-only booter jar; it then publishes the real path as
     * {@code surefire.test.class.path}. Elsewhere (an IDE) {@code java.class.path} is the real path.
     */
    static String testClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        if (surefire != null && !surefire.isBlank()) {
            return surefire;
        }
        return System.getProperty("java.class.path");
    }

    private static Path logbackConfig(Path logDir) {
        Path file = logDir.resolve("logback-faults.xml");
        try {
            Files.createDirectories(logDir);
            if (!Files.exists(file)) {
                Files.writeString(file, LOGBACK);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static String read(Path file) {
        if (file == null || !Files.exists(file)) {
            return "";
        }
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String tailOf(String text, int lines) {
        String[] all = text.split("\n", -1);
        int from = Math.max(0, all.length - lines);
        return String.join("\n", java.util.Arrays.asList(all).subList(from, all.length));
    }
}
