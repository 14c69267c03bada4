package io.cdcrunner.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.testdb.LocalTestDatabase;
import io.cdcrunner.testkit.DatabaseTest;

/**
 * Back-pressure: one transaction of 100,000 rows goes through a daemon whose heap is capped at 256 MB.
 * The daemon runs as a separate JVM so the cap is real.
 */
@DatabaseTest
class LargeTransactionTest {

    private static final int ROWS = 100_000;

    @TempDir
    Path temp;

    /** 1 to 100,000 from cross-joined digits: both servers run it (MariaDB's seq_1_to_N is its own). */
    private static final String NUMBERS;

    static {
        String digits = "(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 "
                + "UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)";
        NUMBERS = "(SELECT 1 + a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d AS seq FROM " + digits + " a, "
                + digits + " b, " + digits + " c, " + digits + " e, " + digits + " f) numbers";
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Flavor.class)
    void aHundredThousandRowTransactionIsProcessedWithA256MegabyteHeap(Flavor flavor) throws Exception {
        try (LocalTestDatabase db = new LocalTestDatabase(flavor)) {
            db.createCdcUser(TestPipelines.USER, TestPipelines.PASSWORD);
            db.execute("CREATE DATABASE big",
                    "CREATE TABLE big.items (id BIGINT PRIMARY KEY, family INT NOT NULL, note VARCHAR(100) NOT NULL)");
            Path state = Files.createDirectories(temp.resolve("state"));
            Path count = temp.resolve("count");
            Path config = TestPipelines.writeProperties(db, state, Map.of(
                    "pipeline.name", "big",
                    "source.tables", "big.items",
                    "processor.class", CountingProcessor.class.getName(),
                    "processor.count.file", count.toString()));
            Path log = temp.resolve("daemon.log");
            Process daemon = new ProcessBuilder(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:+ExitOnOutOfMemoryError",
                    "-cp", System.getProperty("java.class.path"),
                    "io.cdcrunner.cli.CdcRunner", "run", "--config", config.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            try {
                // The daemon records its start position before anything else: wait for it, then write.
                await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(count));
                db.execute("INSERT INTO big.items SELECT seq, seq % 97, REPEAT('x', 80) FROM " + NUMBERS + " WHERE seq <= " + ROWS);
                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200))
                        .until(() -> !daemon.isAlive() || Long.parseLong(Files.readString(count).trim()) >= ROWS);
                assertThat(daemon.isAlive()).as("daemon still running; its log:\n%s", tail(log)).isTrue();
                daemon.destroy();
                assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
                System.out.printf("[big] %s: one transaction of %,d rows, processed %s with -Xmx256m, exit %d%n",
                        flavor, ROWS, Files.readString(count).trim(), daemon.exitValue());
                assertThat(daemon.exitValue()).as(tail(log)).isZero();
                assertThat(Long.parseLong(Files.readString(count).trim())).isEqualTo(ROWS);
                assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError");
            } finally {
                daemon.destroyForcibly();
            }
        }
    }

    private static String tail(Path log) throws Exception {
        List<String> lines = Files.readAllLines(log);
        return String.join(File.separator.equals("/") ? "\n" : "\r\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
