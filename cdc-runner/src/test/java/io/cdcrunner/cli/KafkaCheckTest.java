package io.cdcrunner.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.config.ConfigLoader;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.delivery.ProcessedListener;
import io.cdcrunner.kafka.ConnectCluster;
import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.pipeline.AuditingProcessor;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.pipeline.TestPipelines;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.testdb.LocalTestDatabase;
import io.cdcrunner.testkit.KafkaTest;

/**
 * {@code check} of a {@code source.type=kafka} pipeline against a real KRaft broker and a distributed Connect worker
 * (issue 23): a running connector configured to drop changes fails, each setting with its fix (point 3); change
 * topics that keep records longer than a {@code TransactionalProcessor}'s ledger keeps event ids fail with the
 * numbers, and {@code run} warns with them (point 4). With each flavor's connector.
 */
@KafkaTest
@ParameterizedClass(name = "{0}")
@EnumSource(Flavor.class)
class KafkaCheckTest {

    private static final String DAY_MS = "86400000";
    private static final String WEEK_MS = "604800000";

    @TempDir
    static Path temp;

    private static LocalTestDatabase db;
    private static ConnectCluster kafka;

    @Parameter
    Flavor flavor;

    @BeforeParameterizedClassInvocation
    static void start(Flavor flavor) {
        db = new LocalTestDatabase(flavor);
        db.createCdcUser(TestPipelines.USER, TestPipelines.PASSWORD);
        db.server().execute("CREATE DATABASE shop", "CREATE TABLE shop.orders (id BIGINT PRIMARY KEY, customer_id INT)",
                "CREATE TABLE shop.audit (row_id BIGINT PRIMARY KEY, times INT NOT NULL)");
        kafka = ConnectCluster.start("check", 1, 1);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
        if (db != null) {
            db.close();
            db = null;
        }
    }

    @Test
    void checkFailsARunningConnectorThatDropsChangesNamingEachSettingWithItsFix() throws Exception {
        Path file = properties("dropping", Map.of("kafka.connect.url", kafka.restUrl()));
        RunnerConfig config = ConfigLoader.load(file, Map.of(), new Properties());
        kafka.deploy(config, ServerFlavor.valueOf(flavor.name()), TestPipelines.PASSWORD, Map.of(
                "errors.tolerance", "all",
                "event.processing.failure.handling.mode", "warn",
                "inconsistent.schema.handling.mode", "skip",
                "skip.messages.without.change", "true",
                "gtid.source.excludes", "0-99-.*"));

        CommandRun check = CommandRun.of("check", "--config", file.toString());

        System.out.println("[kafka-check] " + check.out());
        assertThat(check.exitCode()).as(check.all()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(check.out()).contains("connector 'dropping' is configured as connector-config prints")
                .contains("connector 'dropping' has errors.tolerance=all: Kafka Connect drops every record a converter"
                        + " or transformation fails on")
                .contains("has event.processing.failure.handling.mode=warn: Debezium skips a binlog event")
                .contains("has inconsistent.schema.handling.mode=skip: Debezium skips the changes of a table")
                .contains("has skip.messages.without.change=true: Debezium drops an update that changes no"
                        + " included column")
                .contains("has gtid.source.excludes=0-99-.*: Debezium drops the transactions of these GTID sources")
                .contains("fix: remove errors.tolerance (the default, none, stops the task on such a record, saying"
                        + " why): cdc-runner connector-config --config FILE --apply "
                        + kafka.restUrl().replaceAll("/+$", ""))
                .contains("fix: remove event.processing.failure.handling.mode (the default, fail, stops the task")
                .contains("fix: remove inconsistent.schema.handling.mode (the default, fail, stops the task")
                .contains("fix: remove skip.messages.without.change (every update is then delivered)")
                .contains("fix: remove gtid.source.excludes (every committed transaction is then delivered)")
                .doesNotContain(TestPipelines.PASSWORD);
        assertThat(check.out().lines().filter(line -> line.startsWith("[FAIL] connector"))).hasSize(5);
    }

    @Test
    void checkFailsChangeTopicsKeptLongerThanTheLedgerRemembersAndRunWarnsWithTheNumbers() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("ledgerk.shop.orders", 1, (short) 1)
                    .configs(Map.of("retention.ms", WEEK_MS)))).all().get();
        }
        Map<String, String> transactional = Map.of("processor.class", AuditingProcessor.class.getName(),
                "processor.audit.table", "shop.audit");
        Path shortLedger = properties("ledgerk", with(transactional, "kafka.ledger.retention.ms", DAY_MS));

        CommandRun check = CommandRun.of("check", "--config", shortLedger.toString());

        System.out.println("[kafka-check] " + check.out());
        assertThat(check.exitCode()).as(check.all()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(check.out()).contains("[FAIL] ledger retention")
                .contains("ledgerk.shop.orders keeps records 7 d (retention.ms=604800000), but the ledger keeps event"
                        + " ids 1 d (kafka.ledger.retention.ms=86400000): a group that loses its committed offsets"
                        + " reads the topics from the start, and applies again the events older than 1 d")
                .contains("fix: set kafka.ledger.retention.ms=604800000 (or more)");

        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger("io.cdcrunner.kafka.LedgerCoverageWarning");
        warnings.start();
        logger.addAppender(warnings);
        try (Pipeline run = Pipelines.create(ConfigLoader.load(shortLedger, Map.of(), new Properties()),
                ProcessedListener.NONE)) {
            run.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> !warnings.list.isEmpty());
            assertThat(warnings.list.get(0).getFormattedMessage()).startsWith("ledgerk.shop.orders keeps records 7 d"
                    + " (retention.ms=604800000), but the ledger keeps event ids 1 d").contains(
                    "Fix: set kafka.ledger.retention.ms=604800000 (or more)");
        } finally {
            logger.detachAppender(warnings);
        }

        Path longLedger = properties("ledgerk", with(transactional, "kafka.ledger.retention.ms", WEEK_MS));
        CommandRun covered = CommandRun.of("check", "--config", longLedger.toString());
        assertThat(covered.out()).as(covered.all()).contains("[ OK ] ledger retention")
                .contains("the ledger keeps event ids 7 d, at least as long as the 1 change topic(s) keep records"
                        + " (longest 7 d)");
        assertThat(covered.exitCode()).as(covered.all()).isZero();
    }

    private Path properties(String pipeline, Map<String, String> more) throws Exception {
        Map<String, String> props = new HashMap<>(Map.of(
                "pipeline.name", pipeline,
                "source.type", "kafka",
                "source.flavor", flavor.name().toLowerCase(java.util.Locale.ROOT),
                "source.tables", "shop.orders",
                "source.operations", "insert",
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "kafka.topic.partitions", "1",
                "deadletter.store", "io.cdcrunner.deadletter.JdbcDeadLetterStore"));
        props.putAll(more);
        return TestPipelines.writeProperties(db, Files.createDirectories(temp.resolve(pipeline + "-state")), props);
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> all = new HashMap<>(base);
        all.put(key, value);
        return all;
    }
}
