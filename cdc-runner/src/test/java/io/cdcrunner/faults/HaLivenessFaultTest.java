package io.cdcrunner.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.localdb.LocalMariaDb;
import io.cdcrunner.testkit.FaultTest;

/**
 * What keeps an {@code ha.enabled} instance live and honest: it holds its lease while its pipeline starts (a processor
 * whose {@code open} outlasts the lease timeout), a processor transaction left idle past the sessions' limit is the
 * processor's failure (dead-lettered after its attempts, not retried for ever as a lost database), a standby that
 * cannot reach its state server says it is unhealthy and why, and {@code run} refuses a state server on which the
 * lease would not be one lock (a Galera node).
 */
@FaultTest
class HaLivenessFaultTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path temp;

    @Test
    void aProcessorWhoseOpenOutlastsTheLeaseTimeoutKeepsTheLeaseAndProcesses() throws Exception {
        int rows = 300;
        FaultReport report = new FaultReport("ha-slow-open");
        Map<String, String> extra = new HashMap<>();
        extra.put("processor.class", SlowOpenProcessor.class.getName());
        // The open outlasts the lease timeout by far, and the checks leave room for a loaded machine's pauses.
        extra.put("processor.open.delay.ms", "15000");
        extra.put("ha.lease.timeout.ms", "6000");
        extra.put("ha.lease.check.interval.ms", "1000");
        try (FaultDatabase db = FaultDatabase.start(); HaPair pair = new HaPair(db, temp, "ha-slow-open", extra)) {
            pair.a().start();
            pair.b().start();
            DaemonProcess active = pair.awaitActive(0, WAIT);
            new RowWriter(db.server(), 1, rows, 21, 10, 50, 300).start().join(Duration.ofMinutes(2));
            pair.awaitAllProcessed(WAIT);
            long epoch = pair.epoch();
            report.print("processor open 15000 ms, lease timeout 6000 ms: %s active, lease epoch %d after %d rows",
                    active, epoch, rows);
            pair.stopBoth();
            pair.verify(report, rows, "a slow processor open");
            assertThat(epoch).as("times the lease was taken: once, by the instance that stayed active").isEqualTo(1);
        }
    }

    @Test
    void aTransactionLeftIdlePastTheSessionLimitIsTheProcessorsFailureAndOtherRowsGoOn() throws Exception {
        FaultReport report = new FaultReport("ha-idle-transaction");
        try (FaultDatabase db = FaultDatabase.start()) {
            Path stateDir = Files.createDirectories(temp.resolve("state"));
            Map<String, String> props = db.baseConfig(stateDir);
            props.put("processor.class", IdleInTransactionProcessor.class.getName());
            props.put("processor.audit.table", FaultDatabase.AUDIT);
            props.put("processor.idle.ids", "2");
            props.put("processor.idle.ms", "9000");
            props.put("processor.threads", "1");
            props.put("processor.retry.max.attempts", "2");
            props.put("processor.retry.initial.backoff.ms", "100");
            props.put("processor.retry.max.backoff.ms", "200");
            props.put("state.store", "jdbc");
            props.put("ha.enabled", "true");
            // A limit a loaded machine's pauses do not reach, and an idle wait well past it.
            props.put("ha.lease.timeout.ms", "4000");
            props.put("ha.lease.check.interval.ms", "1000");
            props.put("deadletter.store", "io.cdcrunner.deadletter.JdbcDeadLetterStore");
            Path config = FaultDatabase.writeConfig(temp.resolve("idle.properties"), props);
            try (DaemonProcess daemon = new DaemonProcess("idle", config, FaultSteps.logDir(temp, "idle"))) {
                daemon.start();
                FaultSteps.awaitWhileAlive(daemon, WAIT, "the instance to be active",
                        () -> daemon.outputText().contains("' active and started"));
                for (long id = 1; id <= 3; id++) {
                    db.server().execute("INSERT INTO " + FaultDatabase.TABLE + " (id, customer_id, amount) VALUES ("
                            + id + ", 1, 1.00)");
                }
                FaultSteps.awaitWhileAlive(daemon, WAIT, "row 2 dead-lettered and rows 1 and 3 processed",
                        () -> db.count("SELECT COUNT(*) FROM cdc_runner.dead_letters") == 1
                                && db.count("SELECT COUNT(*) FROM " + FaultDatabase.AUDIT) == 2);
                String error = db.text("SELECT CONCAT(error_message, ' | ', stack_trace) FROM cdc_runner.dead_letters");
                report.print("a transaction idle 9000 ms (limit 4 s): dead-lettered after 2 attempts: %s",
                        error.lines().findFirst().orElse(""));
                FaultSteps.stopCleanly(daemon);
                assertThat(error).contains("left without a statement", "ha.lease.timeout.ms");
                assertThat(db.count("SELECT COUNT(*) FROM " + FaultDatabase.AUDIT + " WHERE row_id = 2")).isZero();
            }
        }
    }

    @Test
    void anActiveInstanceThatCannotReadItsSourceStepsDownForOneThatCan() throws Exception {
        int rows = 400;
        FaultReport report = new FaultReport("ha-source-cut");
        try (FaultDatabase db = FaultDatabase.start(); TcpProxy proxy = new TcpProxy(db.server().port())) {
            String direct = db.server().jdbcUrl("");
            // Instance a reads the binlog through a proxy; its lease, ledger and dead letters go to the server directly.
            Map<String, String> both = Map.of("processor.jdbc.url", direct, "source.down.unhealthy.after.ms", "3000");
            Map<String, String> onlyA = Map.of("source.port", String.valueOf(proxy.port()));
            try (HaPair pair = new HaPair(db, temp, "ha-source-cut", both, onlyA)) {
                pair.a().start();
                pair.awaitActive(0, WAIT);
                pair.b().start();
                FaultSteps.awaitWhileAlive(pair.b(), WAIT, "b to stand by",
                        () -> pair.b().outputText().contains("' standing by"));
                new RowWriter(db.server(), 1, rows / 2, 31, 10, 50, 400).start().join(Duration.ofMinutes(2));
                pair.awaitAllProcessed(WAIT);
                long epoch = pair.epoch();
                long cut = System.nanoTime();
                proxy.cut();
                new RowWriter(db.server(), rows / 2 + 1, rows / 2, 32, 10, 50, 400).start();
                DaemonProcess taker = pair.awaitActive(epoch, WAIT);
                long tookOver = (System.nanoTime() - cut) / 1_000_000;
                pair.awaitAllProcessed(WAIT);
                report.print("binlog of a cut off (its lease and database reachable): %s took over %d ms later "
                        + "(source.down.unhealthy.after.ms=3000); a said: %s", taker, tookOver, pair.a().outputText()
                        .lines().filter(l -> l.contains("stepping down")).findFirst().orElse("(nothing)"));
                pair.stopBoth();
                pair.verify(report, rows, "the active instance's source cut off");
                assertThat(taker).isSameAs(pair.b());
            }
        }
    }

    @Test
    void aTakeoverThatCannotCheckWhereTheLedgerIsStandsByAgainInsteadOfRunningUnchecked() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        try (FaultDatabase db = FaultDatabase.start()) {
            // The lease and the dead letters on the server; the processor's database (the ledger) out of reach.
            Map<String, String> extra = Map.of("processor.jdbc.url", "jdbc:mysql://127.0.0.1:" + closed + "/",
                    "state.jdbc.url", db.server().jdbcUrl(""), "deadletter.jdbc.url", db.server().jdbcUrl(""));
            try (HaPair pair = new HaPair(db, temp, "ha-unchecked", extra)) {
                DaemonProcess daemon = pair.a().start();
                FaultSteps.awaitWhileAlive(daemon, WAIT, "the instance to give the lease up twice for want of the check",
                        () -> daemon.outputText().split("cannot check that the processor's database", -1).length > 2);
                new FaultReport("ha-unchecked").print("the processor's database unreachable at takeover: %s",
                        daemon.outputText().lines().filter(l -> l.contains("cannot check")).findFirst().orElse(""));
                assertThat(daemon.outputText()).doesNotContain("' active and started");
                FaultSteps.stopCleanly(daemon);
            }
        }
    }

    @Test
    void aStandbyThatCannotLogInToItsStateServerIsUnhealthyAndSaysWhy() throws Exception {
        FaultReport report = new FaultReport("ha-standby-state-down");
        Map<String, String> extra = Map.of("state.jdbc.user", FaultDatabase.USER,
                "state.jdbc.password", "not-the-password", "source.down.unhealthy.after.ms", "2000");
        try (FaultDatabase db = FaultDatabase.start(); HaPair pair = new HaPair(db, temp, "ha-standby-down", extra)) {
            DaemonProcess standby = pair.a().start();
            Path logs = FaultSteps.logDir(temp, "ha-standby-down");
            FaultSteps.awaitWhileAlive(standby, WAIT, "status to say the standby is not healthy", () ->
                    DaemonProcess.runCommand(logs, "status", "status", "--pid", String.valueOf(standby.pid()))
                            .output().contains("NOT healthy"));
            DaemonProcess.CommandResult status = DaemonProcess.runCommand(logs, "status", "status", "--pid",
                    String.valueOf(standby.pid()));
            report.print("$ cdc-runner status --pid <standby without its state server>: exit %d: %s",
                    status.exitCode(), status.output().lines().filter(l -> l.contains("pipeline '")
                            || l.contains("error")).toList());
            assertThat(status.output()).contains("STANDBY, NOT healthy", "state server", "state.jdbc.url/user/password")
                    .doesNotContain("not-the-password");
            assertThat(status.exitCode()).isEqualTo(4);
            FaultSteps.stopCleanly(standby);
        }
    }

    @Test
    void checkNamesAProcessorUserThatCannotReadTheLeaseRowAndTheGrantThatFixesIt() throws Exception {
        try (FaultDatabase db = FaultDatabase.start()) {
            db.server().execute("CREATE USER 'app'@'%' IDENTIFIED BY 'app-secret'",
                    "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE ON faults.* TO 'app'@'%'",
                    "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE ON cdc_runner.processed_events TO 'app'@'%'",
                    "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE ON cdc_runner.dead_letters TO 'app'@'%'");
            Path stateDir = Files.createDirectories(temp.resolve("state"));
            Map<String, String> props = db.baseConfig(stateDir);
            props.putAll(FaultDatabase.auditingProcessor());
            props.put("state.store", "jdbc");
            props.put("state.jdbc.user", FaultDatabase.USER);
            props.put("state.jdbc.password", FaultDatabase.PASSWORD);
            props.put("processor.jdbc.user", "app");
            props.put("processor.jdbc.password", "app-secret");
            props.put("ha.enabled", "true");
            props.put("deadletter.store", "io.cdcrunner.deadletter.JdbcDeadLetterStore");
            Path config = FaultDatabase.writeConfig(temp.resolve("grants.properties"), props);
            Path logs = FaultSteps.logDir(temp, "grants");

            DaemonProcess.CommandResult refused = DaemonProcess.runCommand(logs, "check-refused", "check", "--config",
                    config.toString());
            db.server().execute("GRANT SELECT ON cdc_runner.leases TO 'app'@'%'");
            DaemonProcess.CommandResult granted = DaemonProcess.runCommand(logs, "check-granted", "check", "--config",
                    config.toString());
            new FaultReport("ha-lease-readers").print("check without the grant: exit %d: %s", refused.exitCode(),
                    refused.output().lines().filter(l -> l.contains("lease readers") || l.contains("fix:"))
                            .toList());

            assertThat(refused.exitCode()).isEqualTo(3);
            assertThat(refused.output()).contains("the processor's user (processor.jdbc.user) 'app'@'%' cannot read",
                    "GRANT SELECT ON `cdc_runner`.leases TO 'app'@'%'").doesNotContain("app-secret");
            assertThat(granted.output()).contains("the processor's and the dead-letter user read");
        }
    }

    @Test
    void runRefusesAStateServerThatIsAGaleraNode() throws Exception {
        Path provider = Path.of("/usr/lib/galera/libgalera_smm.so");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(provider),
                "Galera's provider (Debian package galera-4, which mariadb-server brings) is not installed");
        int gcomm;
        try (ServerSocket socket = new ServerSocket(0)) {
            gcomm = socket.getLocalPort();
        }
        LocalMariaDb galera = LocalMariaDb.builder()
                .serverArg("--wsrep-on=ON")
                .serverArg("--wsrep-provider=" + provider)
                .serverArg("--wsrep-cluster-address=gcomm://")
                .serverArg("--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:" + gcomm)
                .serverArg("--innodb-autoinc-lock-mode=2")
                .start();
        try (FaultDatabase db = FaultDatabase.create(galera);
             HaPair pair = new HaPair(db, temp, "ha-galera", Map.of())) {
            DaemonProcess daemon = pair.a().start();
            int code = daemon.waitFor(WAIT);
            String output = daemon.outputText();
            FaultReport report = new FaultReport("ha-galera");
            report.print("run with the state on a one-node Galera cluster: exit %d: %s", code, output.lines()
                    .filter(l -> l.contains("Galera")).findFirst().orElse("(no line names Galera)"));
            assertThat(code).as("exit code of run on a Galera node").isEqualTo(2);
            assertThat(output).contains("Galera cluster node", "ha.enabled=false").doesNotContain("' active");
        }
    }
}
