package io.cdcrunner.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.testkit.FaultTest;

/**
 * With the state in tables ({@code state.store=jdbc}), the engine loses its connection (the database restarts during
 * an initial snapshot, which the engine does not ride out by itself as its binlog client does) and the state cannot be
 * read when the engine is started again (here its offsets table is away). That start must be retried until the state
 * can be read, with the daemon unhealthy and saying why meanwhile; it used to end the restarts for good, leaving a
 * pipeline that went on saying it was working, with no engine, and never processed another row.
 */
@FaultTest
class StateServerErrorAtReconnectFaultTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int ROWS = 20_000;
    private static final String OFFSETS = "cdc_runner.offsets";

    @TempDir
    Path temp;

    @Test
    void aStateReadThatFailsWhenTheEngineStartsAgainIsRetriedAndTheDaemonIsUnhealthyMeanwhile() throws Exception {
        FaultReport report = new FaultReport("state-error-at-reconnect");
        try (FaultDatabase db = FaultDatabase.start()) {
            Path stateDir = Files.createDirectories(temp.resolve("state"));
            Map<String, String> props = db.baseConfig(stateDir);
            props.putAll(FaultDatabase.auditingProcessor());
            props.put("state.store", "jdbc");
            props.put("source.start", "snapshot");
            props.put("processor.threads", "2");
            props.put("processor.ordering.column", "customer_id");
            // No offsets write while the table is away: the engine's restart is what reads the state.
            props.put("state.offset.flush.interval.ms", "600000");
            props.put("source.connect.retry.max.backoff.ms", "2000");
            props.put("source.down.unhealthy.after.ms", "2000");
            Path config = FaultDatabase.writeConfig(temp.resolve("state-error.properties"), props);
            Path logs = FaultSteps.logDir(temp, "state-error");

            try (DaemonProcess daemon = new DaemonProcess("state-error", config, logs)) {
                SnapshotInterruptionFaultTest.fill(db, ROWS);
                daemon.start();
                FaultSteps.awaitWhileAlive(daemon, WAIT, "the snapshot to process rows",
                        () -> db.count("SELECT COUNT(*) FROM " + FaultDatabase.AUDIT) >= ROWS / 20);

                db.server().execute("RENAME TABLE " + OFFSETS + " TO " + OFFSETS + "_away");
                db.server().stop();
                db.server().startServer();
                FaultSteps.awaitWhileAlive(daemon, WAIT, "the engine's start after the lost connection to fail",
                        () -> daemon.outputText().contains("could not be started again")
                                || daemon.outputText().contains("Exception in thread \"cdc-engine-restart"));
                FaultSteps.awaitWhileAlive(daemon, WAIT, "status to say the daemon is not healthy", () ->
                        DaemonProcess.runCommand(logs, "status-down", "status", "--pid", String.valueOf(daemon.pid()))
                                .output().contains("NOT healthy"));
                DaemonProcess.CommandResult down = DaemonProcess.runCommand(logs, "status-down", "status", "--pid",
                        String.valueOf(daemon.pid()));
                report.print("while the state cannot be read: status exit %d: %s", down.exitCode(),
                        down.output().lines().filter(l -> l.contains("pipeline '") || l.contains("error"))
                                .toList());

                db.server().execute("RENAME TABLE " + OFFSETS + "_away TO " + OFFSETS);
                long back = System.nanoTime();
                FaultSteps.awaitWhileAlive(daemon, WAIT, "every row to be processed once the state can be read again",
                        () -> db.unprocessed() == 0);
                long millis = (System.nanoTime() - back) / 1_000_000;
                FaultSteps.awaitWhileAlive(daemon, WAIT, "status to say the daemon is healthy again", () ->
                        DaemonProcess.runCommand(logs, "status-up", "status", "--pid", String.valueOf(daemon.pid()))
                                .exitCode() == 0);
                DaemonProcess.CommandResult up = DaemonProcess.runCommand(logs, "status-up", "status", "--pid",
                        String.valueOf(daemon.pid()));
                report.print("state readable again: every row processed %d ms later; status exit %d", millis,
                        up.exitCode());
                FaultSteps.stopCleanly(daemon);

                assertThat(down.exitCode()).as("status exit code while no engine runs").isEqualTo(4);
                assertThat(down.output()).as("status names why").contains("could not be started again");
                assertThat(up.output()).as("status once the engine runs again").contains(", healthy");
            }
        }
    }

}
