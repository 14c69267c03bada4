package io.cdcrunner.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two daemon processes run one pipeline with {@code ha.enabled} against a real MariaDB while a writer inserts rows
 * into families: the active instance is killed, hung, cut off from its lease; both start together, the standby is
 * stopped, the database restarts, a captured table is altered during a takeover. Each time the other instance takes
 * over, and every row is applied exactly once with the family summaries exact.
 */
class HaFailoverFaultTest {

    private static final int FAMILIES = 200;
    private static final int MAX_ROWS_PER_STATEMENT = 20;

    @TempDir
    Path temp;

    @Test
    void theStandbyTakesOverWhenTheActiveInstanceIsKilled() throws Exception {
        int rows = 6_000;
        FaultReport report = new FaultReport("ha-sigkill");
        try (FaultDatabase db = FaultDatabase.start(); HaPair pair = new HaPair(db, temp, "ha-sigkill", Map.of())) {
            pair.a().start();
            DaemonProcess active = pair.awaitActive(0, Duration.ofSeconds(60));
            pair.b().start();
            awaitStandingBy(pair.b());
            RowWriter writer = new RowWriter(db.server(), 1, rows, 11, MAX_ROWS_PER_STATEMENT, FAMILIES, 600).start();
            awaitWritten(writer, rows / 3);
            long epoch = pair.epoch();
            long killed = System.nanoTime();
            active.sigkill();
            DaemonProcess standby = pair.awaitActive(epoch, Duration.ofSeconds(30));
            long started = (System.nanoTime() - killed) / 1_000_000;
            long applied = pair.awaitFirstApplied(epoch + 1, killed, Duration.ofSeconds(30));
            report.print("SIGKILL of %s: %s active and started %d ms after the kill, first row applied %d ms after"
                    + " it (target 3000 ms)", active, standby, started, applied);
            pair.restart(active);
            writer.join(Duration.ofMinutes(3));
            pair.awaitAllProcessed(Duration.ofMinutes(3));
            pair.stopBoth();
            pair.verify(report, rows, "SIGKILL of the active instance");
            assertThat(standby).isNotSameAs(active);
        }
    }

    private static void awaitStandingBy(DaemonProcess daemon) {
        FaultSteps.awaitWhileAlive(daemon, Duration.ofSeconds(60), daemon + " to stand by",
                () -> daemon.outputText().contains("' standing by"));
    }

    private static void awaitWritten(RowWriter writer, long rows) {
        org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
                .until(() -> writer.written() >= rows || writer.isDone());
    }
}
