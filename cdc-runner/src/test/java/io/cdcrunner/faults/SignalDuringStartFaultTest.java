package io.cdcrunner.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.testkit.FaultTest;

import static org.awaitility.Awaitility.await;

/**
 * A SIGTERM that comes while the daemon starts (a service manager stopping it right after starting it, or a test) is
 * a clean stop, exit 0, not the JVM's 143: the daemon handles signals before it reads its configuration. The signal is
 * sent the moment the daemon's first log line appears, which is before the pipeline exists.
 */
@FaultTest
class SignalDuringStartFaultTest {

    private static final int RUNS = 3;

    @TempDir
    Path temp;

    @Test
    void aSigtermAtTheDaemonsFirstLogLineStopsItCleanly() throws Exception {
        FaultReport report = new FaultReport("signal-during-start");
        try (FaultDatabase db = FaultDatabase.start()) {
            Path stateDir = Files.createDirectories(temp.resolve("state"));
            Map<String, String> props = db.baseConfig(stateDir);
            props.putAll(FaultDatabase.auditingProcessor());
            Path config = FaultDatabase.writeConfig(temp.resolve("signal.properties"), props);
            List<Integer> codes = new ArrayList<>();
            try (DaemonProcess daemon = new DaemonProcess("signal", config, FaultSteps.logDir(temp, "signal"))) {
                for (int run = 1; run <= RUNS; run++) {
                    daemon.start();
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(2))
                            .until(() -> !daemon.outputText().isBlank() || !daemon.isAlive());
                    daemon.sigterm();
                    int code = daemon.waitFor(Duration.ofSeconds(60));
                    codes.add(code);
                    assertThat(code).as("exit code of run " + run + " after a SIGTERM at its first log line:\n"
                            + daemon.tail(30)).isZero();
                }
            }
            report.print("SIGTERM at the first log line of %d runs: exit codes %s", RUNS, codes);
        }
    }
}
