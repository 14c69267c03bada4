package io.cdcrunner.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.localdb.LocalServer;
import io.cdcrunner.testkit.FaultTest;

/**
 * The database fails over to a GTID replica ({@code log_slave_updates}/{@code log_replica_updates}) while the
 * daemon reads it, on both servers: the daemon resumes on the promoted replica by GTID, and a transactional
 * processor applies every row once although the events come again from another server's binlog. The processor's
 * summaries, audit rows and ledger live in the cluster too (its pool has no URL of its own), so they fail over with the
 * data. A promoted replica that lacks transactions the daemon processed is refused.
 */
@FaultTest
class GtidFailoverFaultTest {

    private static final int ROWS_PER_PHASE = 1_500;
    private static final int FAMILIES = 100;

    @TempDir
    Path temp;

    /**
     * A planned switchover: the daemon is stopped (SIGTERM, or SIGKILL with offsets recorded only every 10 s, so
     * that what it processed since comes again), the replica promoted, the old primary taken down, and the daemon
     * started against the new primary: every row of both servers is applied once.
     */
    @ParameterizedTest(name = "{0} {1}")
    @org.junit.jupiter.params.provider.MethodSource("flavorsAndStops")
    void switchoverWithTheDaemonStoppedAppliesEveryRowOnce(Flavor flavor, String stop) throws Exception {
        FaultReport report = new FaultReport("gtid-switchover:" + flavor + ":" + stop);
        boolean kill = stop.equals("SIGKILL");
        try (Cluster cluster = Cluster.start(flavor)) {
            Path stateDir = Files.createDirectories(temp.resolve("state"));
            Map<String, String> props = cluster.config(stateDir, cluster.primary.host() + ":" + cluster.primary.port());
            props.put("state.offset.flush.interval.ms", kill ? "10000" : "1000");
            Path config = FaultDatabase.writeConfig(temp.resolve("switchover.properties"), props);
            List<String> outputs = new ArrayList<>();
            try (DaemonProcess daemon = new DaemonProcess("switchover", config,
                    FaultSteps.logDir(temp, "gtid-switchover-" + stop.toLowerCase(), flavor))) {
                daemon.start();
                FaultSteps.awaitStartPosition(daemon, stateDir, Duration.ofSeconds(60));
                RowWriter writer = new RowWriter(cluster.primary, 1, ROWS_PER_PHASE, 7, 20, FAMILIES, 1_000).start();
                FaultDatabase onPrimary = FaultDatabase.attach(cluster.primary);
                FaultSteps.awaitWhileAlive(daemon, Duration.ofSeconds(60), "the daemon to process rows",
                        () -> onPrimary.count("SELECT COUNT(*) FROM " + FaultDatabase.AUDIT) > ROWS_PER_PHASE / 3);
                if (kill) {
                    daemon.sigkill();
                } else {
                    FaultSteps.stopCleanly(daemon);
                }
                outputs.add(daemon.outputText());
                writer.join(Duration.ofMinutes(2));
                long processedBefore = onPrimary.count("SELECT COUNT(*) FROM " + FaultDatabase.AUDIT);
                cluster.replica.awaitCaughtUpWith(cluster.primary, Duration.ofSeconds(60));
                cluster.promoteReplica();
                cluster.primary.stop();

                props.put("source.host", cluster.replica.host() + ":" + cluster.replica.port());
                FaultDatabase.writeConfig(config, props);
                daemon.start();
                RowWriter second = new RowWriter(cluster.replica, ROWS_PER_PHASE + 1, ROWS_PER_PHASE, 8, 20,
                        FAMILIES, 1_000).start();
                second.join(Duration.ofMinutes(2));
                FaultDatabase onReplica = FaultDatabase.attach(cluster.replica);
                FaultSteps.awaitWhileAlive(daemon, Duration.ofSeconds(120), "every row to be processed on the new "
                        + "primary", () -> onReplica.unprocessed() == 0);
                FaultSteps.stopCleanly(daemon);
                outputs.add(daemon.outputText());
                report.print("rows %d, processed before the %s %d, %s", 2 * ROWS_PER_PHASE, stop, processedBefore,
                        stats(outputs));
                assertExactlyOnce(onReplica, 2 * ROWS_PER_PHASE);
                assertThat(daemon.outputText()).as("the start on the promoted replica says how it resumed")
                        .contains("resuming by GTID");
                if (kill) {
                    // Offsets recorded every 10 s: what was processed since came again from the new primary's binlog,
                    // and only its ids, the same on both servers, kept the ledger from applying it twice.
                    assertThat(DaemonOutput.lastStats(daemon.outputText()).map(DaemonOutput.Stats::duplicates)
                            .orElse(0L)).as("events delivered again from the new primary and skipped by the ledger")
                            .isPositive();
                }
            }
        }
    }

    static List<org.junit.jupiter.params.provider.Arguments> flavorsAndStops() {
        List<org.junit.jupiter.params.provider.Arguments> cases = new ArrayList<>();
        for (Flavor flavor : Flavor.values()) {
            cases.add(org.junit.jupiter.params.provider.Arguments.of(flavor, "SIGTERM"));
            cases.add(org.junit.jupiter.params.provider.Arguments.of(flavor, "SIGKILL"));
        }
        return cases;
    }

    /**
     * An unplanned failover: the primary is SIGKILLed between writes (its replica had applied everything); the daemon,
     * given both servers in {@code source.host}, finds no server to read and waits; the replica is promoted, and the
     * daemon moves to it on its own.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Flavor.class)
    void primaryKilledTheDaemonFollowsThePromotedReplica(Flavor flavor) throws Exception {
        FaultReport report = new FaultReport("gtid-failover:" + flavor);
        try (Cluster cluster = Cluster.start(flavor)) {
            Path stateDir = Files.createDirectories(temp.resolve("state"));
            Map<String, String> props = cluster.config(stateDir, cluster.primary.host() + ":" + cluster.primary.port()
                    + "," + cluster.replica.host() + ":" + cluster.replica.port());
            props.put("source.connect.retry.max.backoff.ms", "2000");
            props.put("source.host.move.after.ms", "2000");
            Path config = FaultDatabase.writeConfig(temp.resolve("failover.properties"), props);
            DaemonProcess.CommandResult check = DaemonProcess.runCommand(FaultSteps.logDir(temp, "gtid-failover",
                    flavor), "check", "check", "--config", config.toString());
            assertThat(check.output()).as("check reports every server listed\n" + check.output())
                    .contains(cluster.primary.port() + " writable, GTIDs, logs what it applies")
                    .contains(cluster.replica.port() + " read-only, GTIDs, logs what it applies");
            try (DaemonProcess daemon = new DaemonProcess("failover", config,
                    FaultSteps.logDir(temp, "gtid-failover", flavor))) {
                daemon.start();
                FaultSteps.awaitStartPosition(daemon, stateDir, Duration.ofSeconds(60));
                new RowWriter(cluster.primary, 1, ROWS_PER_PHASE, 7, 20, FAMILIES, 1_000).start()
                        .join(Duration.ofMinutes(2));
                cluster.replica.awaitCaughtUpWith(cluster.primary, Duration.ofSeconds(60));
                long killed = System.nanoTime();
                cluster.primary.kill();
                // Before an orchestrator promotes the replica, the daemon finds no server to read and waits.
                FaultSteps.awaitWhileAlive(daemon, Duration.ofSeconds(60), "the daemon to look for a server to read",
                        () -> daemon.outputText().contains("source: no server to read yet"));
                cluster.promoteReplica();
                long promoted = System.nanoTime();
                RowWriter second = new RowWriter(cluster.replica, ROWS_PER_PHASE + 1, ROWS_PER_PHASE, 8, 20,
                        FAMILIES, 1_000).start();
                String moved = "source: moving from " + cluster.primary.host() + ":" + cluster.primary.port();
                FaultSteps.awaitWhileAlive(daemon, Duration.ofSeconds(90), "the daemon to move to the promoted replica",
                        () -> daemon.outputText().contains(moved));
                long movedAt = System.nanoTime();
                DaemonProcess.CommandResult status = DaemonProcess.runCommand(FaultSteps.logDir(temp, "gtid-failover",
                        flavor), "status", "status", "--pid", String.valueOf(daemon.pid()));
                assertThat(status.output()).as("status names the server read now\n" + status.output())
                        .contains("source server")
                        .contains(cluster.replica.host() + ":" + cluster.replica.port() + " since");
                second.join(Duration.ofMinutes(2));
                FaultDatabase onReplica = FaultDatabase.attach(cluster.replica);
                FaultSteps.awaitWhileAlive(daemon, Duration.ofSeconds(120), "every row to be processed on the new "
                        + "primary", () -> onReplica.unprocessed() == 0);
                long caughtUp = System.nanoTime();
                FaultSteps.stopCleanly(daemon);
                report.print("rows %d; moved %d ms after the primary's kill, %d ms after the promotion (made once the "
                                + "daemon waited for a server); every row "
                                + "processed %d ms after the promotion; %s", 2 * ROWS_PER_PHASE,
                        (movedAt - killed) / 1_000_000, (movedAt - promoted) / 1_000_000,
                        (caughtUp - promoted) / 1_000_000, stats(List.of(daemon.outputText())));
                assertExactlyOnce(onReplica, 2 * ROWS_PER_PHASE);
            }
        }
    }

    /**
     * The replica stopped replicating before the primary's last writes, which the daemon processed; promoted, it
     * lacks them: the daemon refuses to start there, names the missing GTIDs, and applies nothing from it.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Flavor.class)
    void aPromotedReplicaLackingProcessedTransactionsIsRefused(Flavor flavor) throws Exception {
        try (Cluster cluster = Cluster.start(flavor)) {
            Path stateDir = Files.createDirectories(temp.resolve("state"));
            Map<String, String> props = cluster.config(stateDir, cluster.primary.host() + ":" + cluster.primary.port());
            Path config = FaultDatabase.writeConfig(temp.resolve("lagging.properties"), props);
            try (DaemonProcess daemon = new DaemonProcess("lagging", config,
                    FaultSteps.logDir(temp, "gtid-lagging", flavor))) {
                daemon.start();
                FaultSteps.awaitStartPosition(daemon, stateDir, Duration.ofSeconds(60));
                new RowWriter(cluster.primary, 1, 200, 7, 10, FAMILIES, 0).start().join(Duration.ofMinutes(1));
                cluster.replica.awaitCaughtUpWith(cluster.primary, Duration.ofSeconds(60));
                cluster.replica.execute(flavor == Flavor.MARIADB ? "STOP SLAVE" : "STOP REPLICA");
                new RowWriter(cluster.primary, 201, 50, 8, 10, FAMILIES, 0).start().join(Duration.ofMinutes(1));
                FaultDatabase onPrimary = FaultDatabase.attach(cluster.primary);
                FaultSteps.awaitWhileAlive(daemon, Duration.ofSeconds(60), "the last rows to be processed",
                        () -> onPrimary.unprocessed() == 0);
                FaultSteps.stopCleanly(daemon);
                String recorded = recordedGtids(stateDir);
                cluster.promoteReplica();
                cluster.primary.stop();

                Refusal refusal = startOnThePromotedReplica(cluster, daemon, props, config,
                        FaultDatabase.attach(cluster.replica));
                SoftAssertions soft = refusal.asserted();
                soft.assertThat(recorded).as("GTIDs in the recorded offsets").isNotBlank();
                soft.assertThat(refusal.output()).as("the refusal names the GTIDs the daemon read (%s)", recorded)
                        .contains("the daemon had read up to " + recorded);
                soft.assertThat(refusal.output()).as("the refusal gives the choices").contains("Choose:");
                soft.assertAll();
            }
        }
    }

    /**
     * The binlog of replicas as the source ({@code source.host.pick=first-reachable}): the daemon reads the first
     * replica; when that one dies it moves to the second, waiting while it lags, and applies every row once. The
     * processor writes to the primary ({@code processor.jdbc.url}), since a replica is read-only, and reads it there
     * without a barrier.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Flavor.class)
    void theDaemonReadsAReplicaAndMovesToAnotherWhenItDies(Flavor flavor) throws Exception {
        FaultReport report = new FaultReport("gtid-replicas:" + flavor);
        try (Cluster cluster = Cluster.start(flavor);
             LocalServer second = cluster.addReplica(cluster.primary.serverId() + 2)) {
            Path stateDir = Files.createDirectories(temp.resolve("state"));
            Map<String, String> props = cluster.config(stateDir, cluster.replica.host() + ":" + cluster.replica.port()
                    + "," + second.host() + ":" + second.port());
            props.put("source.host.pick", "first-reachable");
            props.put("source.host.move.after.ms", "2000");
            props.put("source.connect.retry.max.backoff.ms", "2000");
            props.put("processor.jdbc.url", cluster.primary.jdbcUrl(""));
            // Every change read from a replica's binlog is already on the primary the processor reads: nothing to
            // wait for (a MariaDB primary would never answer a GTID wait, which reads gtid_slave_pos).
            props.put("processor.read.visibility", "off");
            Path config = FaultDatabase.writeConfig(temp.resolve("replicas.properties"), props);
            try (DaemonProcess daemon = new DaemonProcess("replicas", config,
                    FaultSteps.logDir(temp, "gtid-replicas", flavor))) {
                daemon.start();
                FaultSteps.awaitStartPosition(daemon, stateDir, Duration.ofSeconds(60));
                RowWriter writer = new RowWriter(cluster.primary, 1, 2 * ROWS_PER_PHASE, 7, 20, FAMILIES, 1_000)
                        .start();
                FaultDatabase onPrimary = FaultDatabase.attach(cluster.primary);
                FaultSteps.awaitWhileAlive(daemon, Duration.ofSeconds(60), "the daemon to process rows",
                        () -> onPrimary.count("SELECT COUNT(*) FROM " + FaultDatabase.AUDIT) > ROWS_PER_PHASE / 2);
                long killed = System.nanoTime();
                cluster.replica.kill();
                String moved = "source: moving from " + cluster.replica.host() + ":" + cluster.replica.port();
                FaultSteps.awaitWhileAlive(daemon, Duration.ofSeconds(90), "the daemon to move to the other replica",
                        () -> daemon.outputText().contains(moved));
                long movedAt = System.nanoTime();
                writer.join(Duration.ofMinutes(2));
                FaultSteps.awaitWhileAlive(daemon, Duration.ofSeconds(120), "every row to be processed",
                        () -> onPrimary.unprocessed() == 0);
                FaultSteps.stopCleanly(daemon);
                report.print("rows %d; moved to the other replica %d ms after the first one's kill; %s",
                        2 * ROWS_PER_PHASE, (movedAt - killed) / 1_000_000, stats(List.of(daemon.outputText())));
                assertExactlyOnce(onPrimary, 2 * ROWS_PER_PHASE);
            }
        }
    }

    /**
     * A ledger written by an earlier version holds {@code file:position:row} ids; the upgraded daemon, delivering the
     * same events again (its offsets set back to before them), gives them GTID-form ids and must still find them
     * applied.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Flavor.class)
    void aLedgerOfTheOldIdFormStillSkipsRedeliveredEvents(Flavor flavor) throws Exception {
        FaultReport report = new FaultReport("legacy-ledger:" + flavor);
        try (FaultDatabase db = FaultDatabase.start(flavor)) {
            Path stateDir = Files.createDirectories(temp.resolve("state"));
            Map<String, String> props = db.baseConfig(stateDir);
            props.putAll(FaultDatabase.auditingProcessor());
            props.put("processor.ordering.column", "customer_id");
            Path config = FaultDatabase.writeConfig(temp.resolve("legacy.properties"), props);
            try (DaemonProcess daemon = new DaemonProcess("legacy", config,
                    FaultSteps.logDir(temp, "legacy-ledger", flavor))) {
                daemon.start();
                FaultSteps.awaitStartPosition(daemon, stateDir, Duration.ofSeconds(60));
                Path offsets = stateDir.resolve("offsets.json");
                String startOffsets = Files.readString(offsets);
                // One row per statement: its old id is file:position:0, which the ledger's columns give back.
                new RowWriter(db.server(), 1, 300, 7, 1, FAMILIES, 0).start().join(Duration.ofMinutes(1));
                FaultSteps.awaitWhileAlive(daemon, Duration.ofSeconds(60), "the rows to be processed",
                        () -> db.unprocessed() == 0);
                FaultSteps.stopCleanly(daemon);
                long gtidForm = db.ledgerEntries("gtid:");
                db.server().execute("UPDATE " + FaultDatabase.LEDGER + " SET event_id = CONCAT(binlog_file, ':', "
                        + "binlog_pos, ':0') WHERE event_id LIKE 'gtid:%'");
                assertThat(db.ledgerEntries("gtid:")).as("GTID-form entries left after the rewrite").isZero();
                Files.writeString(offsets, startOffsets);

                daemon.start();
                new RowWriter(db.server(), 301, 100, 8, 1, FAMILIES, 0).start().join(Duration.ofMinutes(1));
                FaultSteps.awaitWhileAlive(daemon, Duration.ofSeconds(60), "the new rows to be processed",
                        () -> db.unprocessed() == 0);
                FaultSteps.stopCleanly(daemon);
                Optional<DaemonOutput.Stats> second = DaemonOutput.lastStats(daemon.outputText());
                report.print("ledger entries rewritten to the old form %d; second run: %s", gtidForm,
                        stats(List.of(daemon.outputText())));
                assertThat(gtidForm).as("GTID-form entries written by the first run").isGreaterThanOrEqualTo(300);
                assertThat(second.map(DaemonOutput.Stats::duplicates).orElse(0L))
                        .as("redelivered events the second run found in the old-form ledger").isGreaterThanOrEqualTo(300);
                assertExactlyOnce(db, 400);
            }
        }
    }

    /**
     * As above, but the daemon was SIGKILLed with its offsets recorded only every 60 s, so they lack the last
     * transactions it processed: the ledger, on a server that survives ({@code processor.jdbc.url}), holds them, and
     * the start on the promoted replica lacking them is refused all the same.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Flavor.class)
    void afterASigkillTheLedgerTellsWhatAPromotedReplicaLacks(Flavor flavor) throws Exception {
        try (Cluster cluster = Cluster.start(flavor)) {
            Path stateDir = Files.createDirectories(temp.resolve("state"));
            Map<String, String> props = cluster.config(stateDir, cluster.primary.host() + ":" + cluster.primary.port());
            props.put("processor.jdbc.url", cluster.primary.jdbcUrl(""));
            props.put("state.offset.flush.interval.ms", "60000");
            Path config = FaultDatabase.writeConfig(temp.resolve("killed.properties"), props);
            try (DaemonProcess daemon = new DaemonProcess("killed", config,
                    FaultSteps.logDir(temp, "gtid-killed", flavor))) {
                daemon.start();
                FaultSteps.awaitStartPosition(daemon, stateDir, Duration.ofSeconds(60));
                new RowWriter(cluster.primary, 1, 200, 7, 10, FAMILIES, 0).start().join(Duration.ofMinutes(1));
                FaultDatabase onPrimary = FaultDatabase.attach(cluster.primary);
                FaultSteps.awaitWhileAlive(daemon, Duration.ofSeconds(60), "the first rows to be processed",
                        () -> onPrimary.unprocessed() == 0);
                cluster.replica.awaitCaughtUpWith(cluster.primary, Duration.ofSeconds(60));
                String recordedBefore = Files.readString(stateDir.resolve("offsets.json"));
                cluster.replica.execute(flavor == Flavor.MARIADB ? "STOP SLAVE" : "STOP REPLICA");
                new RowWriter(cluster.primary, 201, 50, 8, 10, FAMILIES, 0).start().join(Duration.ofMinutes(1));
                FaultSteps.awaitWhileAlive(daemon, Duration.ofSeconds(60), "the last rows to be processed",
                        () -> onPrimary.unprocessed() == 0);
                daemon.sigkill();
                assertThat(Files.readString(stateDir.resolve("offsets.json"))).as("offsets recorded while the last "
                        + "rows were processed (the test needs them to lag: the replica holds what they name)")
                        .isEqualTo(recordedBefore);
                cluster.promoteReplica();

                startOnThePromotedReplica(cluster, daemon, props, config, onPrimary).asserted().assertAll();
            }
        }
    }

    /**
     * What a start on the promoted replica did: its exit code and output, and the rows the processor applied before
     * and after it ({@code results}: where the processor writes).
     */
    private record Refusal(int code, String output, long appliedBefore, long appliedAfter) {

        /** The refusal every lacking server gets: exit 1, what is missing named, nothing applied from it. */
        SoftAssertions asserted() {
            SoftAssertions soft = new SoftAssertions();
            soft.assertThat(code).as("exit code of a start on a server lacking processed transactions\n"
                    + DaemonProcess.tailOf(output, 40)).isEqualTo(1);
            soft.assertThat(output).as("the refusal names what is missing")
                    .contains("lacks transactions the daemon already read and processed");
            soft.assertThat(appliedAfter).as("rows applied from the refused server").isEqualTo(appliedBefore);
            return soft;
        }
    }

    /** Writes a row on the promoted replica and starts the daemon there, waiting for it to end. */
    private static Refusal startOnThePromotedReplica(Cluster cluster, DaemonProcess daemon, Map<String, String> props,
                                                     Path config, FaultDatabase results) throws Exception {
        long before = results.count("SELECT COUNT(*) FROM " + FaultDatabase.AUDIT);
        cluster.replica.execute("INSERT INTO " + FaultDatabase.TABLE + " VALUES (100000, 1, 1.00)");
        props.put("source.host", cluster.replica.host() + ":" + cluster.replica.port());
        FaultDatabase.writeConfig(config, props);
        daemon.start();
        int code = daemon.waitFor(Duration.ofSeconds(90));
        return new Refusal(code, daemon.outputText(), before,
                results.count("SELECT COUNT(*) FROM " + FaultDatabase.AUDIT));
    }

    /** The GTIDs the recorded offsets carry, as one line. */
    private static String recordedGtids(Path stateDir) throws java.io.IOException {
        for (String value : io.cdcrunner.state.OffsetFile.read(stateDir.resolve("offsets.json")).values()) {
            var gtids = new com.fasterxml.jackson.databind.ObjectMapper().readTree(value).get("gtids");
            return gtids == null ? "" : gtids.asText().replace("\n", "").replace(" ", "");
        }
        return "";
    }

    private static void assertExactlyOnce(FaultDatabase db, int rows) throws Exception {
        FaultDatabase.Verdict verdict = db.verdict();
        List<String> mismatches = db.familyMismatches();
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(verdict.rows()).as("rows in the new primary's table").isEqualTo(rows);
        soft.assertThat(verdict.lost()).as("rows never processed (lost): " + verdict.describe()).isEmpty();
        soft.assertThat(verdict.repeated()).as("rows applied more than once across the failover: "
                + verdict.describe()).isEmpty();
        soft.assertThat(mismatches).as("family summaries differing from SQL").isEmpty();
        soft.assertAll();
    }

    private static String stats(List<String> outputs) {
        Optional<DaemonOutput.Stats> stats = DaemonOutput.summedStats(outputs);
        return "events processed " + DaemonOutput.orNa(stats, DaemonOutput.Stats::processed) + ", duplicates skipped "
                + DaemonOutput.orNa(stats, DaemonOutput.Stats::duplicates);
    }

    /** A primary with GTIDs and a replica that logs what it applies, the schema and the daemon's user on both. */
    static final class Cluster implements AutoCloseable {

        final Flavor flavor;
        final LocalServer primary;
        final LocalServer replica;

        private Cluster(Flavor flavor, LocalServer primary, LocalServer replica) {
            this.flavor = flavor;
            this.primary = primary;
            this.replica = replica;
        }

        static Cluster start(Flavor flavor) {
            // Set up as the README asks of every server that may take over: MySQL logs what it applies by default.
            LocalServer primary = flavor == Flavor.MARIADB
                    ? flavor.builder().serverArg("--gtid-strict-mode=1").serverArg("--log-slave-updates").start()
                    : flavor.builder().start();
            try {
                FaultDatabase.prepare(primary);
                LocalServer replica = primary.startReplica(primary.serverId() + 1, 0);
                if (flavor == Flavor.MARIADB) {
                    replica.execute("SET GLOBAL gtid_strict_mode = 1");
                }
                replica.awaitCaughtUpWith(primary, Duration.ofSeconds(60));
                // The replica's binlog starts a new file here, so its positions differ from the primary's: an event id
                // built from a position would not match across the failover.
                replica.execute("FLUSH BINARY LOGS", "SET GLOBAL read_only = 1");
                return new Cluster(flavor, primary, replica);
            } catch (RuntimeException e) {
                primary.close();
                throw e;
            }
        }

        Map<String, String> config(Path stateDir, String hosts) {
            Map<String, String> props = FaultDatabase.attach(primary).baseConfig(stateDir);
            props.put("source.host", hosts);
            props.remove("source.port");
            props.putAll(FaultDatabase.auditingProcessor());
            props.put("processor.threads", "4");
            props.put("processor.ordering.column", "customer_id");
            props.put("processor.jdbc.pool.size", "8");
            return props;
        }

        /** A second replica of the primary, caught up, read-only, its binlog in a file of its own. */
        LocalServer addReplica(long serverId) {
            LocalServer second = primary.startReplica(serverId, 0);
            if (flavor == Flavor.MARIADB) {
                second.execute("SET GLOBAL gtid_strict_mode = 1");
            }
            second.awaitCaughtUpWith(primary, Duration.ofSeconds(60));
            second.execute("FLUSH BINARY LOGS", "FLUSH BINARY LOGS", "SET GLOBAL read_only = 1");
            return second;
        }

        /** What an orchestrator does: the replica stops replicating, forgets its source and accepts writes. */
        void promoteReplica() {
            if (flavor == Flavor.MARIADB) {
                replica.execute("STOP SLAVE", "RESET SLAVE ALL", "SET GLOBAL read_only = 0");
            } else {
                replica.execute("STOP REPLICA", "RESET REPLICA ALL", "SET GLOBAL read_only = 0");
            }
        }

        @Override
        public void close() {
            replica.close();
            primary.close();
        }
    }
}
