package io.cdcrunner.brokers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A server or worker process this JVM started, with the processes it started in turn (RabbitMQ's script starts the
 * Erlang VM, a Celery worker its pool): stopped with SIGTERM or killed with SIGKILL as a whole. Whatever still runs
 * when the JVM exits is killed by a shutdown hook, so a test that dies half-way leaves nothing listening.
 */
final class OwnedProcess {

    private static final Set<OwnedProcess> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(RUNNING).forEach(OwnedProcess::kill),
                "brokers-cleanup"));
    }

    private final String name;
    private final Process process;
    private final Path log;

    private OwnedProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code command} in {@code dir} with the environment {@code env} applied to this JVM's (see
     * {@link #applyEnvironment}), its output and errors appended to {@code log}.
     */
    static OwnedProcess start(String name, List<String> command, Map<String, String> env, Path dir, Path log) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        applyEnvironment(builder, env);
        try {
            OwnedProcess started = new OwnedProcess(name, builder.start(), log);
            RUNNING.add(started);
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
        }
    }

    /** Sets each variable of {@code env} in the builder's environment, and removes those whose value is null. */
    static void applyEnvironment(ProcessBuilder builder, Map<String, String> env) {
        env.forEach((name, value) -> {
            if (value == null) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    /**
     * Polls {@code ready} until it holds; fails with the log's tail when the process exits first or {@code timeout}
     * passes. A probe that throws counts as not ready yet.
     *
     * @return how long it took
     */
    Duration awaitReady(Duration timeout, BooleanSupplier ready) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                RUNNING.remove(this);
                throw new IllegalStateException(name + " exited with code " + process.exitValue()
                        + " during start-up; " + log + " ends with:\n" + tail(log, 25));
            }
            try {
                if (ready.getAsBoolean()) {
                    return Duration.ofNanos(System.nanoTime() - start);
                }
            } catch (RuntimeException e) {
                last = e;
            }
            pause(50);
        }
        kill();
        throw new IllegalStateException(name + " was not ready within " + timeout.toSeconds() + " s"
                + (last == null ? "" : " (last probe: " + last.getMessage() + ")") + "; killed it. " + log
                + " ends with:\n" + tail(log, 25));
    }

    /** SIGTERM, then SIGKILL to whatever is left after {@code grace}. True when it exited within the grace. */
    boolean terminate(Duration grace) {
        List<ProcessHandle> tree = tree();
        process.destroy();
        boolean exited = waitFor(grace);
        // The process's own children (a worker's pool) normally exit with it; what did not is killed.
        tree.forEach(ProcessHandle::destroyForcibly);
        waitFor(Duration.ofSeconds(30));
        RUNNING.remove(this);
        return exited;
    }

    /** SIGKILL to the process and its descendants, as a crash would; waits until the process is gone. */
    void kill() {
        // Descendants first, listed while the parent lives: once it is gone they belong to init and are not found.
        List<ProcessHandle> tree = tree();
        tree.forEach(ProcessHandle::destroyForcibly);
        waitFor(Duration.ofSeconds(30));
        RUNNING.remove(this);
    }

    private List<ProcessHandle> tree() {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        return tree;
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The last {@code lines} lines of a log file. */
    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    /** A TCP port nobody listens on now (another process may take it before the server binds it). */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
