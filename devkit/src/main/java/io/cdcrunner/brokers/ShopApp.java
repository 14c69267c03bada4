package io.cdcrunner.brokers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.cdcrunner.localdb.LocalServer;

/**
 * The Python side of the Celery tests, kept as dev kit resources ({@code io/cdcrunner/celery/}) and extracted into a
 * directory where {@link CeleryWorker} and the Python programs run:
 * <ul>
 *   <li>{@code shop/tasks.py}: the Celery app and its tasks {@value #READ_IT} and {@value #READ_ROW} (see the
 *       file's docstring for what each reads and writes);</li>
 *   <li>{@code shop/schema.py}: the tables {@code shop.orders}, {@code shop.task_runs},
 *       {@code shop.customer_summary} and {@code shop.row_tasks}, created where missing by each worker at start on
 *       {@value #WRITE_URL} (before it logs "ready") and by the writer;</li>
 *   <li>{@code writer.py}: inserts orders from several threads through SQLAlchemy, one row per transaction.</li>
 * </ul>
 * The programs read their settings from the environment variables named by the constants here.
 */
public final class ShopApp {

    /** The task summarising a customer's orders: {@code read_it(customer_id, event_ids=None, keys=None, **extra)}. */
    public static final String READ_IT = "shop.tasks.read_it";
    /** The per-event task recording a row's id: {@code read_row(row, **extra)}. */
    public static final String READ_ROW = "shop.tasks.read_row";

    /** The broker URL, {@code redis://}, {@code rediss://}, {@code amqp://} or {@code amqps://}. */
    public static final String BROKER_URL = "CELERY_BROKER_URL";
    /** For a TLS broker: the CA certificate file its certificate is checked with. */
    public static final String BROKER_CA = "CELERY_BROKER_CA";
    /** The queue {@code delay()} publishes to (default {@code celery}). */
    public static final String QUEUE = "CELERY_QUEUE";
    /**
     * Redis only: seconds after which a message a worker fetched but never acknowledged (its connection was lost
     * before the task started) goes back to the queue; Celery's default is an hour.
     */
    public static final String VISIBILITY_TIMEOUT = "CELERY_VISIBILITY_TIMEOUT";
    /** SQLAlchemy URL the tasks read orders from (a replica). */
    public static final String READ_URL = "SHOP_READ_URL";
    /** SQLAlchemy URL the tasks write to (the primary). */
    public static final String WRITE_URL = "SHOP_WRITE_URL";

    private static final String RESOURCES = "/io/cdcrunner/celery/";
    private static final List<String> FILES = List.of("shop/__init__.py", "shop/schema.py", "shop/tasks.py",
            "writer.py");

    private final Path dir;

    private ShopApp(Path dir) {
        this.dir = dir;
    }

    /** Extracts the Python files into {@code dir} (created if missing; files there are replaced). */
    public static ShopApp extractTo(Path dir) {
        try {
            for (String file : FILES) {
                Path target = dir.resolve(file);
                Files.createDirectories(target.getParent());
                try (InputStream in = ShopApp.class.getResourceAsStream(RESOURCES + file)) {
                    if (in == null) {
                        throw new IllegalStateException("resource " + RESOURCES + file + " missing from the dev kit");
                    }
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return new ShopApp(dir.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the shop app to " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** The SQLAlchemy URL for {@code root} on a local server; it names no database (the statements name shop). */
    public static String sqlalchemyUrl(LocalServer server) {
        return "mysql+pymysql://root@" + server.host() + ":" + server.port() + "/";
    }

    /** The environment pointing the app at a broker ({@link #BROKER_URL}, and {@link #BROKER_CA} with TLS). */
    public static Map<String, String> brokerEnvironment(String url, TestCertificates tls) {
        return tls == null ? Map.of(BROKER_URL, url)
                : Map.of(BROKER_URL, url, BROKER_CA, tls.caCertificate().toAbsolutePath().toString());
    }

    /**
     * Runs {@link CeleryWorker#python()} with {@code args} in this directory, with {@code env} added to the
     * environment, and returns what it printed on stdout. Publishing a task as Celery's own client does:
     * {@code python(env, timeout, "-c", "from shop.tasks import read_row; read_row.delay({'id': 17})")}.
     *
     * @throws IllegalStateException when it exits with another code than 0 or runs longer than {@code timeout},
     *                               with what it printed on stderr
     */
    public String python(Map<String, String> env, Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of(CeleryWorker.python()));
        command.addAll(List.of(args));
        String run = "python-" + UUID.randomUUID();
        Path out = dir.resolve(run + ".out");
        Path err = dir.resolve(run + ".err");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        OwnedProcess.applyEnvironment(builder, CeleryWorker.pythonEnvironment(env));
        Process process = null;
        try {
            process = builder.start();
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + (finished
                        ? " exited with code " + process.exitValue()
                        : " did not finish within " + timeout.toSeconds() + " s") + ":\n" + Files.readString(err)
                        + Files.readString(out));
            }
            return Files.readString(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        } finally {
            if (process != null) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
            Directories.delete(out);
            Directories.delete(err);
        }
    }

    /**
     * Runs {@code writer.py}: {@code orders} rows for customers 1 to {@code customers} from {@code threads} threads,
     * one row per transaction, at {@code rowsPerSecond} over all threads (0: as fast as the database takes them).
     *
     * @return its JSON summary line: rows, threads, elapsed_s, and counts and sums of what it wrote by customer id
     */
    public String writeOrders(String sqlalchemyUrl, int customers, int orders, int threads, double rowsPerSecond) {
        return python(Map.of(), Duration.ofMinutes(30), "writer.py", "--url", sqlalchemyUrl,
                "--customers", String.valueOf(customers), "--orders", String.valueOf(orders),
                "--threads", String.valueOf(threads), "--rate", String.valueOf(rowsPerSecond)).strip();
    }
}
