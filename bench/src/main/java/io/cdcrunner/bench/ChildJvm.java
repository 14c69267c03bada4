package io.cdcrunner.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.type.TypeReference;

import io.cdcrunner.config.Redaction;

/**
 * Runs one measurement in a fresh JVM, so each starts cold (the warm-up phase is real) and memory figures
 * belong to that engine alone. The child gets the parent's class path and writes its result as JSON.
 */
final class ChildJvm {

    /** Every child runs with these, so the daemon and bare Debezium get the same heap and collector. */
    static final List<String> JVM_FLAGS = new java.util.ArrayList<>(List.of("-Xmx256m", "-XX:+UseG1GC",
            "-XX:+ExitOnOutOfMemoryError", "-Dlogback.configurationFile=bench-logback.xml"));

    /** Adds flags every child gets (the {@code --jvm} option, for experiments such as JIT settings). */
    static void addFlags(String flags) {
        for (String flag : flags.trim().split("\\s+")) {
            if (!flag.isEmpty()) {
                JVM_FLAGS.add(flag);
            }
        }
    }

    private final Path workDir;

    ChildJvm(Path workDir) {
        this.workDir = workDir;
    }

    /** The command a child runs, as printed: the class path shortened to the benchmark jar. */
    static String describe(Class<?> main, List<String> extraFlags, Map<String, Object> args) {
        return describe("java", main, extraFlags, args);
    }

    /** The same, started by {@code java} (as printed, e.g. {@code $JAVA25_HOME/bin/java}). */
    static String describe(String java, Class<?> main, List<String> extraFlags, Map<String, Object> args) {
        List<String> shown = new ArrayList<>(List.of(java));
        shown.addAll(JVM_FLAGS);
        shown.addAll(extraFlags);
        shown.add("-cp bench/target/cdc-runner-bench.jar");
        shown.add(main.getName());
        args.forEach((k, v) -> shown.add(k + "=" + (k.equals("password") ? "******" : v)));
        // A broker URL's //user:password@ too.
        return Redaction.PATTERNS_ONLY.apply(String.join(" ", shown));
    }

    Map<String, Object> run(String name, Class<?> main, List<String> extraFlags, Map<String, Object> args,
                            Duration timeout) throws IOException, InterruptedException {
        return run(name, main, Path.of(System.getProperty("java.home")), extraFlags, args, timeout);
    }

    /** Runs {@code main} on the Java in {@code javaHome} (the class files are Java 17, later Java runs them). */
    Map<String, Object> run(String name, Class<?> main, Path javaHome, List<String> extraFlags,
                            Map<String, Object> args, Duration timeout) throws IOException, InterruptedException {
        Path out = workDir.resolve(name + ".json");
        Path log = workDir.resolve(name + ".log");
        Files.deleteIfExists(out);
        List<String> command = new ArrayList<>();
        command.add(javaHome.resolve("bin").resolve("java").toString());
        command.addAll(JVM_FLAGS);
        command.addAll(extraFlags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(Args.of(args));
        command.add("out=" + out);
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!child.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " did not finish within " + timeout.toSeconds()
                        + " s; see " + log);
            }
        } finally {
            child.destroyForcibly();
        }
        if (child.exitValue() != 0 || !Files.exists(out)) {
            throw new IllegalStateException(name + " failed (exit " + child.exitValue() + "); see " + log);
        }
        return ChildOutput.JSON.readValue(out.toFile(), new TypeReference<Map<String, Object>>() { });
    }
}
