package io.cdcrunner.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.localdb.LocalMariaDb;
import io.cdcrunner.testkit.FaultTest;

/**
 * The daemon starts while the database is down: it must keep retrying with clear, short log lines (no wall
 * of stack traces), and start working once the database comes up on the same port.
 */
@FaultTest
class DatabaseDownAtStartFaultTest {

    private static final int ROWS = 1_000;
    private static final Duration RETRY_LINES_WITHIN = Duration.ofSeconds(10);
    /** A retry delay as a log line would say it: "2000 ms", "in 2 s", "1.5 seconds", "PT2S". */
    private static final Pattern DELAY = Pattern.compile(
            "(?i)(\\d+(\\.\\d+)?\\s*(ms|millis|milliseconds?|s|sec|secs|seconds?)\\b)|(PT\\d+(\\.\\d+)?S)");
    private static final Pattern RETRY =
            Pattern.compile("(?i)(retr(y|ying|ies)|next attempt|trying again|reconnect)");

    @TempDir
    Path temp;

    @Test
    void aDaemonStartedBeforeItsDatabaseRetriesQuietlyAndThenProcessesRows() throws Exception {
        FaultReport report = new FaultReport("db-down-at-start");
        Path dataDir = temp.resolve("db");
        int port;
        try (LocalMariaDb first = LocalMariaDb.builder().dataDir(dataDir).start()) {
            port = first.port();
            FaultDatabase.prepare(first);
        } // closing stops the server; the data directory is ours and stays
        String hostPort = "127.0.0.1:" + port;

        Path stateDir = Files.createDirectories(temp.resolve("state"));
        Map<String, String> props = new java.util.LinkedHashMap<>();
        props.put("pipeline.name", FaultDatabase.PIPELINE);
        props.put("source.host", "127.0.0.1");
        props.put("source.port", String.valueOf(port));
        props.put("source.user", FaultDatabase.USER);
        props.put("source.password", FaultDatabase.PASSWORD);
        props.put("source.tables", FaultDatabase.TABLE);
        props.put("source.connect.retry.max.backoff.ms", "2000");
        props.put("state.dir", stateDir.toString());
        props.put("shutdown.timeout.ms", "20000");
        props.putAll(FaultDatabase.auditingProcessor());
        Path config = FaultDatabase.writeConfig(temp.resolve("db-down.properties"), props);

        try (DaemonProcess daemon = new DaemonProcess("db-down", config,
                FaultSteps.logDir(temp, "db-down-at-start"))) {
            daemon.start();
            long started = System.nanoTime();
            FaultSteps.awaitWhileAlive(daemon, RETRY_LINES_WITHIN, "two log lines saying the daemon retries "
                    + hostPort + " after a delay", () -> retryLines(daemon.outputText(), hostPort).size() >= 2);
            long firstRetryMillis = (System.nanoTime() - started) / 1_000_000;
            String waiting = daemon.outputText();
            List<String> retries = retryLines(waiting, hostPort);
            int traces = DaemonOutput.stackTraces(waiting);
            long frames = DaemonOutput.frameLines(waiting);
            report.print("database down: %d retry lines within %d ms (first: \"%s\"), stack traces=%d, frame lines=%d",
                    retries.size(), firstRetryMillis, retries.get(0).trim(), traces, frames);
            SoftAssertions waitingChecks = new SoftAssertions();
            waitingChecks.assertThat(daemon.isAlive()).as("daemon still running while the database is down").isTrue();
            waitingChecks.assertThat(traces).as("stack traces printed while waiting for the database (at most one)"
                    + "; output:\n" + DaemonProcess.tailOf(waiting, 80)).isLessThanOrEqualTo(1);
            waitingChecks.assertThat(frames).as("stack frame lines printed while waiting for the database")
                    .isLessThanOrEqualTo(150);
            waitingChecks.assertAll();

            try (FaultDatabase db = FaultDatabase.attach(LocalMariaDb.builder().dataDir(dataDir).port(port).start())) {
                long up = System.nanoTime();
                FaultSteps.awaitStartPosition(daemon, stateDir, Duration.ofSeconds(60));
                long connectedMillis = (System.nanoTime() - up) / 1_000_000;
                new RowWriter(db.server(), 1, ROWS, 7, 10, 50, 0).start().join(Duration.ofMinutes(2));
                FaultSteps.awaitWhileAlive(daemon, Duration.ofSeconds(90), "the rows inserted after the database "
                        + "came up to be processed", () -> db.unprocessed() == 0);
                FaultSteps.stopCleanly(daemon);

                FaultDatabase.Verdict verdict = db.verdict();
                report.print("database up: daemon connected %d ms later; rows written=%d rows processed=%d lost=%d "
                        + "applied twice or more=%d; retry lines in all=%d, stack traces in all=%d",
                        connectedMillis, verdict.rows(), verdict.audited(), verdict.lost().size(),
                        verdict.repeated().size(), retryLines(daemon.outputText(), hostPort).size(),
                        DaemonOutput.stackTraces(daemon.outputText()));
                assertThat(verdict.lost()).as("rows lost: " + verdict.describe()).isEmpty();
                assertThat(verdict.repeated()).as("rows applied more than once: " + verdict.describe()).isEmpty();
                assertThat(verdict.rows()).isEqualTo(ROWS);
            }
        }
    }

    /** Log lines that say the daemon retries, name the source's host:port, and give the delay. */
    private static List<String> retryLines(String output, String hostPort) {
        return output.lines()
                .filter(l -> !l.startsWith("\t") && !l.startsWith("Caused by"))
                .filter(l -> l.contains(hostPort) && RETRY.matcher(l).find() && DELAY.matcher(l).find())
                .toList();
    }

    @Test
    void aStopWhileWaitingForTheDatabaseExitsZeroWithoutAnError() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Map<String, String> props = new java.util.LinkedHashMap<>();
        props.put("pipeline.name", "waiting");
        props.put("source.host", "127.0.0.1");
        props.put("source.port", String.valueOf(port));
        props.put("source.user", FaultDatabase.USER);
        props.put("source.password", FaultDatabase.PASSWORD);
        props.put("source.tables", FaultDatabase.TABLE);
        props.put("source.connect.retry.max.backoff.ms", "1000");
        props.put("state.dir", Files.createDirectories(temp.resolve("waiting-state")).toString());
        Path config = FaultDatabase.writeConfig(temp.resolve("waiting.properties"), props);
        try (DaemonProcess daemon = new DaemonProcess("waiting", config, Files.createDirectories(temp.resolve("waiting-logs")))) {
            daemon.start();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
                    .until(() -> daemon.outputText().contains("unreachable"));
            daemon.sigterm();
            int exit = daemon.waitFor(Duration.ofSeconds(30));
            assertThat(exit).as(daemon.tail(20)).isZero();
            assertThat(daemon.outputText()).doesNotContain(" ERROR ").contains("stopped before the pipeline started");
        }
    }
}
