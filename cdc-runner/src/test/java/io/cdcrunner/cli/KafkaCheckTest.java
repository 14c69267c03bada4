package io.cdcrunner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.config.ConfigLoader;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.kafka.ConnectCluster;
import io.cdcrunner.pipeline.TestPipelines;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.testdb.MariaDbTestDatabase;

/**
 * {@code check} of a {@code source.type=kafka} pipeline against a real KRaft broker and a distributed Connect worker
 * (issue 23): a running connector configured to drop changes fails, each setting with its fix (point 3).
 */
class KafkaCheckTest {

    @TempDir
    static Path temp;

    private static MariaDbTestDatabase db;
    private static ConnectCluster kafka;

    @BeforeAll
    static void start() {
        db = new MariaDbTestDatabase();
        db.createCdcUser(TestPipelines.USER, TestPipelines.PASSWORD);
        db.server().execute("CREATE DATABASE shop", "CREATE TABLE shop.orders (id BIGINT PRIMARY KEY, customer_id INT)");
        kafka = ConnectCluster.start("check", 1, 1);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void checkFailsARunningConnectorThatDropsChangesNamingEachSettingWithItsFix() throws Exception {
        Path file = properties("dropping", Map.of("kafka.connect.url", kafka.restUrl()));
        RunnerConfig config = ConfigLoader.load(file, Map.of(), new Properties());
        kafka.deploy(config, ServerFlavor.MARIADB, TestPipelines.PASSWORD, Map.of(
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

    private static Path properties(String pipeline, Map<String, String> more) throws Exception {
        Map<String, String> props = new HashMap<>(Map.of(
                "pipeline.name", pipeline,
                "source.type", "kafka",
                "source.flavor", "mariadb",
                "source.tables", "shop.orders",
                "source.operations", "insert",
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "kafka.topic.partitions", "1",
                "deadletter.store", "io.cdcrunner.deadletter.JdbcDeadLetterStore"));
        props.putAll(more);
        return TestPipelines.writeProperties(db, Files.createDirectories(temp.resolve(pipeline + "-state")), props);
    }
}
