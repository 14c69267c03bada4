package io.cdcrunner.faults;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.config.ConfigLoader;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.kafka.ConnectCluster;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.testkit.FaultTest;

/**
 * Several daemons in one consumer group share the topics a Kafka Connect connector writes (a real KRaft broker and
 * two distributed Connect workers from Kafka's own test harness, the local MariaDB), each a separate process, while a
 * writer inserts rows across families and, one after the other: a member is SIGKILLed mid-batch, a fourth joins, a
 * member hangs (SIGSTOP) past {@code max.poll.interval.ms} and resumes as a zombie, the Connect worker running the
 * task is removed, the broker restarts; two poison rows are dead-lettered while their partitions move on. No row may
 * be lost, none applied twice, every family summary exact, and no family's rows processed out of order.
 *
 * <p>Sizes: {@code -Dcdc.kafka.rows} (default {@value #DEFAULT_ROWS}), {@code -Dcdc.kafka.rate} rows/s (default
 * {@value #DEFAULT_RATE}); {@code -Dcdc.faults.seed} repeats a run's data.
 */
@FaultTest
class KafkaGroupFaultTest {

    static final int DEFAULT_ROWS = 20_000;
    static final int DEFAULT_RATE = 250;
    private static final int FAMILIES = 500;
    private static final int PARTITIONS = 6;
    private static final String SEQUENCE = "faults.family_sequence";

    @TempDir
    Path temp;

    @Test
    void membersCrashJoinHangAndResumeWhileConnectAndTheBrokerFailNoRowLostNoneTwiceInOrder() throws Exception {
        int rows = Integer.getInteger("cdc.kafka.rows", DEFAULT_ROWS);
        int rate = Integer.getInteger("cdc.kafka.rate", DEFAULT_RATE);
        long seed = Long.getLong("cdc.faults.seed", System.currentTimeMillis());
        List<Long> poison = List.of(rows / 5L, rows * 3L / 5);
        FaultReport report = new FaultReport("kafka-group");
        report.print("seed=%d rows=%d rate=%d/s families=%d partitions=%d poison rows %s", seed, rows, rate,
                FAMILIES, PARTITIONS, poison);
        try (FaultDatabase db = FaultDatabase.start();
             ConnectCluster kafka = ConnectCluster.start("group", 1, 2)) {
            db.server().execute("CREATE TABLE " + SEQUENCE + " (family INT PRIMARY KEY, last_id BIGINT NOT NULL,"
                    + " violations INT NOT NULL)");
            List<DaemonProcess> members = new ArrayList<>();
            Path logs = FaultSteps.logDir(temp, "kafka-group");
            Path firstConfig = null;
            for (int i = 1; i <= 4; i++) {
                Path state = Files.createDirectories(temp.resolve("state-" + i));
                Map<String, String> props = db.baseConfig(state);
                props.putAll(FaultDatabase.auditingProcessor());
                props.put("processor.sequence.table", SEQUENCE);
                props.put("processor.fail.ids", poison.get(0) + "," + poison.get(1));
                props.put("processor.retry.max.attempts", "2");
                props.put("processor.threads", "2");
                props.put("processor.jdbc.pool.size", "6");
                props.put("processor.ordering.column", "customer_id");
                props.put("source.type", "kafka");
                props.put("source.flavor", "mariadb");
                props.put("source.operations", "insert");
                props.put("source.start", "snapshot");
                props.put("kafka.bootstrap.servers", kafka.bootstrapServers());
                props.put("kafka.topic.partitions", String.valueOf(PARTITIONS));
                props.put("kafka.client.session.timeout.ms", "6000");
                props.put("kafka.client.heartbeat.interval.ms", "1500");
                props.put("kafka.client.max.poll.interval.ms", "10000");
                props.put("deadletter.store", "io.cdcrunner.deadletter.JdbcDeadLetterStore");
                Path config = FaultDatabase.writeConfig(temp.resolve("member-" + i + ".properties"), props);
                if (firstConfig == null) {
                    firstConfig = config;
                }
                members.add(new DaemonProcess("kafka-group-" + i, config, logs));
            }
            RunnerConfig connectorSource = ConfigLoader.load(firstConfig, Map.of(), new Properties());
            kafka.deploy(connectorSource, ServerFlavor.MARIADB, FaultDatabase.PASSWORD);
            DaemonProcess a = members.get(0);
            DaemonProcess b = members.get(1);
            DaemonProcess c = members.get(2);
            DaemonProcess d = members.get(3);
            try {
                for (DaemonProcess member : List.of(a, b, c)) {
                    member.start();
                }
                for (DaemonProcess member : List.of(a, b, c)) {
                    FaultSteps.awaitWhileAlive(member, Duration.ofSeconds(60), "the consumer to subscribe",
                            () -> member.outputText().contains("consuming the topics"));
                }
                // The connector creates the topic with the table's first row.
                RowWriter writer = new RowWriter(db.server(), 1, rows, seed, 40, FAMILIES, rate).start();
                for (DaemonProcess member : List.of(a, b, c)) {
                    FaultSteps.awaitWhileAlive(member, Duration.ofSeconds(60), "a first assignment",
                            () -> member.outputText().contains("assigned ["));
                }

                awaitWritten(writer, rows, 1);
                a.sigkill();
                report.print("SIGKILL of member 1 mid-batch: %s", progress(db, writer));

                awaitWritten(writer, rows, 2);
                d.start();
                FaultSteps.awaitWhileAlive(d, Duration.ofSeconds(60), "the fourth member's first assignment",
                        () -> d.outputText().contains("assigned ["));
                report.print("a fourth member joined: %s", progress(db, writer));

                awaitWritten(writer, rows, 3);
                int assignedBefore = occurrences("assigned [", c, d);
                long stoppedAt = System.nanoTime();
                b.signal("STOP");
                // Hung past max.poll.interval.ms (10 s) and until the group gave its partitions to the others.
                await().pollDelay(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(90))
                        .until(() -> occurrences("assigned [", c, d) > assignedBefore);
                long hungSeconds = (System.nanoTime() - stoppedAt) / 1_000_000_000;
                b.signal("CONT");
                FaultSteps.awaitWhileAlive(b, Duration.ofSeconds(60), "the resumed member to learn it lost its partitions",
                        () -> b.outputText().contains("lost [") || b.outputText().contains("revoked ["));
                report.print("member 2 stopped %d s (SIGSTOP) and resumed as a zombie: %s", hungSeconds,
                        progress(db, writer));

                awaitWritten(writer, rows, 4);
                String worker = removeTaskWorker(kafka, connectorSource.kafka().connectorName());
                kafka.awaitRunning(connectorSource.kafka().connectorName());
                report.print("Connect worker %s running the task removed, the task moved: %s", worker,
                        progress(db, writer));

                awaitWritten(writer, rows, 5);
                int unreachableBefore = occurrences("could not be established", c);
                long brokerStoppedAt = System.nanoTime();
                kafka.connect().kafka().stopOnlyBrokers();
                // Down until the members notice it.
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> occurrences("could not be established", c) > unreachableBefore);
                kafka.connect().kafka().restartOnlyBrokers();
                report.print("broker stopped %d s and restarted: %s", (System.nanoTime() - brokerStoppedAt) / 1_000_000_000,
                        progress(db, writer));

                writer.join(Duration.ofMinutes(5));
                for (DaemonProcess member : List.of(b, c, d)) {
                    if (!member.isAlive()) {
                        fail(DaemonOutput.explain(member + " exited by itself", member.outputText()));
                    }
                }
                FaultSteps.awaitWhileAlive(c, Duration.ofSeconds(180 + rows / 100), "the group to process every row",
                        () -> db.unprocessed() <= poison.size());
                for (DaemonProcess member : List.of(b, c, d)) {
                    FaultSteps.stopCleanly(member);
                }
            } finally {
                for (DaemonProcess member : members) {
                    member.close();
                }
            }

            FaultDatabase.Verdict verdict = db.verdict();
            List<String> mismatches = db.familyMismatches();
            long violations = db.count("SELECT COALESCE(SUM(violations), 0) FROM " + SEQUENCE);
            long deadLetters = db.count("SELECT COUNT(*) FROM cdc_runner.dead_letters");
            long deadLettersWithOrigin = db.count("SELECT COUNT(*) FROM cdc_runner.dead_letters"
                    + " WHERE source_origin REGEXP '^faults\\.faults\\.orders-[0-9]+@[0-9]+$'");
            long duplicatesSkipped = 0;
            for (DaemonProcess member : members) {
                duplicatesSkipped += DaemonOutput.summedStats(List.of(member.allOutput()))
                        .map(DaemonOutput.Stats::duplicates).orElse(0L);
            }
            report.print("final: rows=%d audited=%d lost=%d applied twice or more=%d summary mismatches=%d"
                            + " order violations=%d dead letters=%d (poison %d) duplicates skipped by the ledger=%d",
                    verdict.rows(), verdict.audited(), verdict.lost().size(), verdict.repeated().size(),
                    mismatches.size(), violations, deadLetters, poison.size(), duplicatesSkipped);

            SoftAssertions soft = new SoftAssertions();
            soft.assertThat(verdict.rows()).as("rows in the table").isEqualTo(rows);
            soft.assertThat(verdict.lost()).as("rows never processed other than the poison rows: " + verdict.describe())
                    .containsExactlyInAnyOrderElementsOf(poison);
            soft.assertThat(verdict.repeated()).as("rows applied more than once: " + verdict.describe()).isEmpty();
            soft.assertThat(verdict.unknown()).as("audited ids not in the table").isEmpty();
            soft.assertThat(mismatches).as("family summaries differing from a fresh GROUP BY").isEmpty();
            soft.assertThat(violations).as("rows of a family processed after a later row of it").isZero();
            soft.assertThat(deadLetters).as("dead letters: the poison rows, once each").isEqualTo(poison.size());
            soft.assertThat(deadLettersWithOrigin).as("dead letters naming topic-partition@offset")
                    .isEqualTo(poison.size());
            soft.assertAll();
        }
    }

    /** Waits until the writer has written {@code step} sevenths of the rows: each fault lands while rows arrive. */
    private static void awaitWritten(RowWriter writer, int rows, int step) {
        await().atMost(Duration.ofMinutes(3)).until(() -> writer.written() >= (long) rows * step / 7 || writer.isDone());
    }

    /** How often {@code text} appears in the members' current outputs. */
    private static int occurrences(String text, DaemonProcess... members) {
        int count = 0;
        for (DaemonProcess member : members) {
            String output = member.outputText();
            for (int at = output.indexOf(text); at >= 0; at = output.indexOf(text, at + 1)) {
                count++;
            }
        }
        return count;
    }

    private static String progress(FaultDatabase db, RowWriter writer) throws java.sql.SQLException {
        return "written " + writer.written() + ", processed " + db.count("SELECT COUNT(*) FROM " + FaultDatabase.AUDIT)
                + ", applied twice " + db.count("SELECT COUNT(*) FROM " + FaultDatabase.AUDIT + " WHERE times > 1");
    }

    /** Stops the worker the connector's task runs on; returns its id. */
    private static String removeTaskWorker(ConnectCluster kafka, String connector) {
        ConnectorStateInfo status = kafka.connect().connectorStatus(connector);
        String workerId = status.tasks().get(0).workerId();
        for (WorkerHandle handle : kafka.connect().workers()) {
            if (workerId.endsWith(":" + handle.url().getPort())) {
                kafka.connect().removeWorker(handle);
                return workerId;
            }
        }
        throw new IllegalStateException("no worker " + workerId + " among " + kafka.connect().workers());
    }
}
