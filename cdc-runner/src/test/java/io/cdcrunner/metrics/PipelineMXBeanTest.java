package io.cdcrunner.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.pipeline.RecordingProcessor;
import io.cdcrunner.pipeline.TestPipelines;
import io.cdcrunner.testdb.LocalTestDatabase;
import io.cdcrunner.testkit.DatabaseTest;

/** The pipeline's MBean on the real platform MBean server, while a real MariaDB feeds it. */
@DatabaseTest
class PipelineMXBeanTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    private static LocalTestDatabase db;

    @TempDir
    Path temp;

    @BeforeAll
    static void startDatabase() {
        db = new LocalTestDatabase(Flavor.MARIADB);
        db.createCdcUser(TestPipelines.USER, TestPipelines.PASSWORD);
    }

    @AfterAll
    static void stopDatabase() {
        db.close();
    }

    private RunnerConfig config(String name, Map<String, String> extra) throws Exception {
        db.execute("CREATE DATABASE " + name, "CREATE TABLE " + name + ".orders (id BIGINT PRIMARY KEY, "
                + "customer_id INT NOT NULL)");
        Map<String, String> settings = new HashMap<>(Map.of("pipeline.name", name, "source.tables", name + ".orders"));
        settings.putAll(extra);
        RecordingProcessor.reset(name);
        return TestPipelines.config(db, Files.createDirectories(temp.resolve(name)), settings);
    }

    private static void insert(String database, int fromId, int count) {
        for (int id = fromId; id < fromId + count; id++) {
            db.execute("INSERT INTO " + database + ".orders VALUES (" + id + ", " + id % 7 + ")");
        }
    }

    private static Object attribute(ObjectName name, String attribute) throws Exception {
        return JMX.getAttribute(name, attribute);
    }

    private static long longAttribute(ObjectName name, String attribute) throws Exception {
        return (Long) attribute(name, attribute);
    }

    @Test
    void attributesMoveAsEventsFlowAndLagIsZeroWhenIdle() throws Exception {
        ObjectName name = new ObjectName("cdc.runner:type=Pipeline,name=jmxflow");
        try (Pipeline pipeline = Pipelines.create(config("jmxflow", Map.of()))) {
            pipeline.start();
            assertThat(JMX.isRegistered(name)).isTrue();
            await().atMost(WAIT).until(() -> "STREAMING".equals(attribute(name, "State")));
            assertThat(longAttribute(name, "EventsProcessed")).isZero();

            insert("jmxflow", 1, 50);
            await().atMost(WAIT).until(() -> longAttribute(name, "EventsProcessed") == 50);
            assertThat(longAttribute(name, "EventsReceived")).isEqualTo(50);
            assertThat(longAttribute(name, "EventsFailed")).isZero();
            assertThat(longAttribute(name, "EventsRetried")).isZero();
            assertThat(longAttribute(name, "EventsDeadLettered")).isZero();
            assertThat(longAttribute(name, "EventsSkippedAsDuplicates")).isZero();
            await().atMost(WAIT).until(() -> longAttribute(name, "InFlight") == 0
                    && longAttribute(name, "MillisBehindSource") == 0);

            CompositeData processing = (CompositeData) attribute(name, "ProcessingTimeMillis");
            assertThat((Long) processing.get("count")).isEqualTo(50);
            assertThat((Double) processing.get("max")).isGreaterThanOrEqualTo((Double) processing.get("p99"));
            assertThat((Double) processing.get("p99")).isGreaterThanOrEqualTo((Double) processing.get("p50"));
            CompositeData commit = (CompositeData) attribute(name, "CommitToProcessedMillis");
            assertThat((Long) commit.get("count")).isEqualTo(50);
            // Second-resolution commit times: each value is the latency rounded up by less than a second.
            assertThat((Double) commit.get("max")).isLessThan(10_000.0);

            assertThat((String) attribute(name, "LastProcessedPosition")).matches("binlog\\.\\d+:\\d+:0");
            assertThat((String) attribute(name, "LastProcessedGtid")).matches("0-1-\\d+");
            assertThat((Boolean) attribute(name, "Healthy")).isTrue();
            assertThat((String) attribute(name, "LastError")).isEmpty();
            assertThat(longAttribute(name, "UptimeSeconds")).isGreaterThanOrEqualTo(0);
            await().atMost(WAIT).until(() -> (Double) attribute(name, "EventsPerSecond") > 0);

            // Debezium's own MBeans sit beside ours, named after the pipeline.
            assertThat(JMX.isRegistered(new ObjectName(
                    "debezium.mariadb:type=connector-metrics,context=streaming,server=jmxflow"))).isTrue();
        }
        assertThat(JMX.isRegistered(name)).as("unregistered on close").isFalse();
    }

    @Test
    void pauseHoldsNewEventsWhileTheLagGrowsAndResumeProcessesThem() throws Exception {
        ObjectName name = new ObjectName("cdc.runner:type=Pipeline,name=jmxpause");
        try (Pipeline pipeline = Pipelines.create(config("jmxpause", Map.of()))) {
            pipeline.start();
            insert("jmxpause", 1, 1);
            await().atMost(WAIT).until(() -> longAttribute(name, "EventsProcessed") == 1);

            JMX.invoke(name, "pause", new Object[0], new String[0]);
            assertThat((Boolean) attribute(name, "Paused")).isTrue();
            insert("jmxpause", 2, 5);
            await().atMost(WAIT).until(() -> longAttribute(name, "MillisBehindSource") >= 1_500);
            assertThat(longAttribute(name, "EventsProcessed")).as("nothing processed while paused").isEqualTo(1);
            assertThat(RecordingProcessor.events("jmxpause")).hasSize(1);
            assertThat((Boolean) attribute(name, "Healthy")).as("a pause is an operator's choice").isTrue();

            JMX.invoke(name, "resume", new Object[0], new String[0]);
            await().atMost(WAIT).until(() -> longAttribute(name, "EventsProcessed") == 6);
            assertThat((Boolean) attribute(name, "Paused")).isFalse();
            await().atMost(WAIT).until(() -> longAttribute(name, "MillisBehindSource") == 0);
        }
    }

    @Test
    void aStopWhilePausedEndsPromptlyAndTheHeldEventsComeAfterRestart() throws Exception {
        RunnerConfig config = config("jmxstop", Map.of());
        ObjectName name = new ObjectName("cdc.runner:type=Pipeline,name=jmxstop");
        try (Pipeline pipeline = Pipelines.create(config)) {
            pipeline.start();
            insert("jmxstop", 1, 1);
            await().atMost(WAIT).until(() -> longAttribute(name, "EventsProcessed") == 1);
            JMX.invoke(name, "pause", new Object[0], new String[0]);
            insert("jmxstop", 2, 3);
            await().atMost(WAIT).until(() -> longAttribute(name, "MillisBehindSource") > 0);
        }
        try (Pipeline pipeline = Pipelines.create(config)) {
            pipeline.start();
            await().atMost(WAIT).until(() -> RecordingProcessor.events("jmxstop").size() >= 4);
        }
        assertThat(RecordingProcessor.events("jmxstop")).extracting(e -> e.row().getLong("id"))
                .containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void twoPipelinesInOneJvmHaveTheirOwnMBeansAndDebeziumMBeans() throws Exception {
        try (Pipeline first = Pipelines.create(config("jmxone", Map.of()));
             Pipeline second = Pipelines.create(config("jmxtwo", Map.of("source.server.id", "184055")))) {
            first.start();
            second.start();
            insert("jmxone", 1, 3);
            insert("jmxtwo", 1, 2);
            ObjectName one = new ObjectName("cdc.runner:type=Pipeline,name=jmxone");
            ObjectName two = new ObjectName("cdc.runner:type=Pipeline,name=jmxtwo");
            await().atMost(WAIT).until(() -> longAttribute(one, "EventsProcessed") == 3
                    && longAttribute(two, "EventsProcessed") == 2);
            for (String pipeline : new String[] {"jmxone", "jmxtwo"}) {
                assertThat(JMX.isRegistered(new ObjectName(
                        "debezium.mariadb:type=connector-metrics,context=streaming,server=" + pipeline))).isTrue();
            }
        }
    }

    @Test
    void aFailedPipelineIsUnhealthyAndItsLastErrorHoldsNoSecret() throws Exception {
        ObjectName name = new ObjectName("cdc.runner:type=Pipeline,name=jmxfail");
        RunnerConfig config = config("jmxfail", Map.of("processor.fail.ids", "2", "processor.on.failure", "halt",
                "processor.retry.max.attempts", "1"));
        try (Pipeline pipeline = Pipelines.create(config)) {
            pipeline.start();
            insert("jmxfail", 1, 2);
            await().atMost(WAIT).until(() -> "FAILED".equals(attribute(name, "State")));
            assertThat((Boolean) attribute(name, "Healthy")).isFalse();
            assertThat((String) attribute(name, "LastError")).contains("refusing row id 2")
                    .doesNotContain(TestPipelines.PASSWORD);
            assertThat(longAttribute(name, "EventsFailed")).isEqualTo(1);
            assertThat(longAttribute(name, "EventsProcessed")).isEqualTo(1);
        }
    }

    @Test
    void aNewRunTakesTheNameOfAFailedOneThatWasNeverClosed() throws Exception {
        ObjectName name = new ObjectName("cdc.runner:type=Pipeline,name=jmxagain");
        RunnerConfig failing = config("jmxagain", Map.of("processor.fail.ids", "1", "processor.on.failure", "halt",
                "processor.retry.max.attempts", "1"));
        Pipeline first = Pipelines.create(failing);
        first.start();
        insert("jmxagain", 1, 1);
        await().atMost(WAIT).until(() -> "FAILED".equals(attribute(name, "State")));

        RunnerConfig fixed = TestPipelines.config(db, temp.resolve("jmxagain"),
                Map.of("pipeline.name", "jmxagain", "source.tables", "jmxagain.orders"));
        try (Pipeline second = Pipelines.create(fixed)) {
            second.start();
            await().atMost(WAIT).until(() -> longAttribute(name, "EventsProcessed") == 1);
            first.close();
            assertThat(JMX.isRegistered(name)).as("closing the old run leaves the new run's bean").isTrue();
            assertThat(attribute(name, "State")).isEqualTo("STREAMING");
        }
    }
}
