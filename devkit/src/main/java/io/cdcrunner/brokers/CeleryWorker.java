package io.cdcrunner.brokers;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Celery 5 worker running the {@link ShopApp}'s tasks: {@code python3 -m celery -A shop.tasks worker} with a
 * prefork pool, consuming one queue, its output in a log file of its own. Started by {@link #start}, which returns
 * once the worker logged that it is ready (connected to the broker, consuming, the shop schema created).
 */
public final class CeleryWorker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CeleryWorker.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** A warm shutdown lets running tasks finish; ours take milliseconds. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final String MODULES = "celery, redis, sqlalchemy, pymysql";
    private static final String INSTALL = "sudo apt-get install python3-celery python3-redis python3-sqlalchemy "
            + "python3-pymysql";
    private static final Pattern READY = Pattern.compile("INFO/MainProcess\\] \\S+ ready\\.");

    private static volatile String python;

    private final String name;
    private final OwnedProcess process;

    private CeleryWorker(String name, OwnedProcess process) {
        this.name = name;
        this.process = process;
    }

    /**
     * Starts a worker in the app's directory consuming {@code queue} with {@code concurrency} pool processes, the
     * environment {@code env} added to this JVM's ({@link ShopApp#BROKER_URL}, {@link ShopApp#WRITE_URL}...), and
     * waits until it is ready.
     *
     * @throws IllegalStateException when it exits or is not ready within 60 s, with the end of its log
     */
    public static CeleryWorker start(ShopApp app, String queue, int concurrency, Map<String, String> env) {
        String name = "cdc-runner-" + UUID.randomUUID().toString().substring(0, 8);
        Path logFile = app.dir().resolve(name + ".log");
        List<String> command = List.of(python(), "-m", "celery", "-A", "shop.tasks", "worker", "-Q", queue,
                "-c", String.valueOf(concurrency), "--loglevel=INFO", "-n", name + "@%h",
                // Neither waits for nor talks to other workers: a start takes a second less.
                "--without-mingle", "--without-gossip");
        OwnedProcess process = OwnedProcess.start("Celery worker " + name, command, pythonEnvironment(env), app.dir(),
                logFile);
        Duration took = process.awaitReady(START_TIMEOUT, () -> READY.matcher(read(logFile)).find());
        log.debug("Celery worker {} ready in {} ms, consuming {}", name, took.toMillis(), queue);
        return new CeleryWorker(name, process);
    }

    /** The worker's node name without the host: what {@code -n} was given before {@code @%h}. */
    public String name() {
        return name;
    }

    /** The worker's log: Celery's own lines (a task received, succeeded, failed with its traceback). */
    public Path logFile() {
        return process.log();
    }

    /** The worker's log as it is now. */
    public String logText() {
        return read(process.log());
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** SIGTERM (Celery's warm shutdown: running tasks finish), SIGKILL to what is left after 30 s. */
    public void stop() {
        if (!process.terminate(STOP_TIMEOUT)) {
            log.warn("Celery worker {} did not finish a warm shutdown within {} s; killed it", name,
                    STOP_TIMEOUT.toSeconds());
        }
    }

    /** SIGKILL to the worker and its pool: tasks it received and did not acknowledge go back to the broker. */
    public void kill() {
        process.kill();
    }

    /** {@link #stop()}. Idempotent. */
    @Override
    public void close() {
        stop();
    }

    /**
     * The Python 3 that has Celery and the shop app's modules ({@value #MODULES}): {@code /usr/bin/python3} (where
     * Debian's {@code python3-*} packages are), else the {@code python3} first on PATH. A pyenv or virtualenv
     * {@code python3} first on PATH usually lacks them, which is why {@code /usr/bin/python3} is asked first.
     *
     * @throws IllegalStateException naming the packages to install when neither has them
     */
    public static String python() {
        String found = python;
        if (found == null) {
            synchronized (CeleryWorker.class) {
                found = python;
                if (found == null) {
                    found = findPython();
                    python = found;
                }
            }
        }
        return found;
    }

    /** True when {@link #python()} finds one; for a skipping decision outside {@code make test}, which installs it. */
    public static boolean available() {
        try {
            python();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private static String findPython() {
        Set<String> candidates = new LinkedHashSet<>();
        candidates.add("/usr/bin/python3");
        String path = System.getenv("PATH");
        for (String dir : path == null ? new String[0] : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "python3"))) {
                candidates.add(Path.of(dir, "python3").toString());
                break;
            }
        }
        List<String> problems = new ArrayList<>();
        for (String candidate : candidates) {
            String problem = lacks(candidate);
            if (problem == null) {
                return candidate;
            }
            problems.add(candidate + ": " + problem);
        }
        throw new IllegalStateException("no python3 with " + MODULES + " found (" + String.join("; ", problems)
                + "). Install Debian's packages (" + INSTALL + ") or run make test-tools as root");
    }

    /** Why {@code candidate} cannot run the shop app, or null when it can. */
    private static String lacks(String candidate) {
        if (!Files.isExecutable(Path.of(candidate))) {
            return "not installed";
        }
        try {
            Process check = new ProcessBuilder(candidate, "-c", "import " + MODULES).redirectErrorStream(true).start();
            String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!check.waitFor(60, TimeUnit.SECONDS)) {
                check.destroyForcibly();
                return "import " + MODULES + " did not finish within 60 s";
            }
            if (check.exitValue() == 0) {
                return null;
            }
            String[] lines = output.split("\n");
            return lines[lines.length - 1];
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * The changes to this JVM's environment for {@link #python()} (for {@link OwnedProcess#applyEnvironment}):
     * {@code env}, and PYTHONPATH and PYTHONHOME removed unless {@code env} sets them (a developer's, meant for
     * another Python, would hide Debian's modules).
     */
    static Map<String, String> pythonEnvironment(Map<String, String> env) {
        Map<String, String> merged = new HashMap<>();
        merged.put("PYTHONPATH", null);
        merged.put("PYTHONHOME", null);
        // No __pycache__ in the app directory, and no buffered output lost when a worker is killed.
        merged.put("PYTHONDONTWRITEBYTECODE", "1");
        merged.put("PYTHONUNBUFFERED", "1");
        merged.putAll(env);
        return merged;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }
}
