package io.cdcrunner.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.config.ConfigLoader;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.pipeline.RecordingProcessor;
import io.cdcrunner.pipeline.TestPipelines;
import io.cdcrunner.testdb.LocalTestDatabase;
import io.cdcrunner.testdb.SharedDatabase;
import io.cdcrunner.testkit.DatabaseTest;

/**
 * A processor exception that echoes the password (as a driver error with the JDBC URL does): the retry, give-up
 * and stats log lines, the dead-letter file, {@code dlq list} and {@code dlq show} never print it.
 */
@DatabaseTest
class SecretsInOutputTest {

    @RegisterExtension
    static final SharedDatabase SERVER = new SharedDatabase(Flavor.MARIADB);
    private static LocalTestDatabase db;

    @TempDir
    Path temp;

    @BeforeAll
    static void start() {
        db = SERVER.db();
        db.execute("CREATE DATABASE leak", "CREATE TABLE leak.orders (id INT PRIMARY KEY)");
    }

    @Test
    void aPasswordInAnExceptionMessageIsMaskedInLogsDeadLettersAndTheCli() throws Exception {
        Path state = Files.createDirectories(temp.resolve("state"));
        String echoed = "cannot connect to jdbc:mysql://db:3306/shop?user=cdc&password=" + TestPipelines.PASSWORD
                + " (password " + TestPipelines.PASSWORD + " rejected) also jdbc:mysql://cdc:url-only-pw@db/x:";
        Path properties = TestPipelines.writeProperties(db, state, Map.of("pipeline.name", "leak",
                "source.tables", "leak.orders", "processor.fail.ids", "1", "processor.fail.message", echoed,
                "processor.retry.max.attempts", "2", "processor.retry.initial.backoff.ms", "10"));
        RunnerConfig config = ConfigLoader.load(properties, Map.of(), new java.util.Properties());
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        OutputStreamAppender<ILoggingEvent> capture = captureLogs(logged);
        RecordingProcessor.reset("leak");
        try (Pipeline pipeline = Pipelines.create(config)) {
            pipeline.start();
            db.execute("INSERT INTO leak.orders VALUES (1), (2)");
            await().atMost(Duration.ofSeconds(60)).until(() -> RecordingProcessor.events("leak").size() >= 1
                    && Files.exists(state.resolve("dead-letters.jsonl")));
        } finally {
            capture.stop();
            ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("ROOT").detachAppender(capture);
        }
        String log = logged.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("gave up on", "password=******", "cdc:******@").doesNotContain(TestPipelines.PASSWORD)
                .doesNotContain("url-only-pw");
        assertThat(Files.readString(state.resolve("dead-letters.jsonl"))).contains("******")
                .doesNotContain(TestPipelines.PASSWORD).doesNotContain("url-only-pw");

        CommandRun list = CommandRun.of("dlq", "list", "--config", properties.toString());
        String id;
        try (var store = io.cdcrunner.deadletter.JsonLinesDeadLetterStore.openIn(state)) {
            id = store.list().get(0).id();
        }
        CommandRun show = CommandRun.of("dlq", "show", "--config", properties.toString(), id);
        assertThat(list.exitCode()).isZero();
        assertThat(list.all()).contains("leak.orders").doesNotContain(TestPipelines.PASSWORD);
        assertThat(show.exitCode()).isZero();
        assertThat(show.all()).contains("password=******").doesNotContain(TestPipelines.PASSWORD)
                .doesNotContain("url-only-pw");
    }

    @Test
    void theEffectiveConfigurationMasksUrlPasswordsAndMisspelledSecretKeys() throws Exception {
        RunnerConfig config = ConfigLoader.fromMap(Map.of("source.host", "db", "source.user", "cdc",
                "processor.read.url", "jdbc:mysql://replica:3306/shop?user=r&password=in-the-url",
                "processor.jdbc.pasword", "misspelled-secret", "processor.api.tokn", "another-one"));
        assertThat(config.describe()).doesNotContain("in-the-url", "misspelled-secret", "another-one")
                .contains("password=******", "processor.jdbc.pasword=******");
    }

    private static OutputStreamAppender<ILoggingEvent> captureLogs(ByteArrayOutputStream target) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        // The conversion words of logback-test.xml (and the daemon's logback.xml): masked message and stack trace.
        encoder.setPattern("%-5level %logger - %msg%n%ex");
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(target);
        appender.start();
        context.getLogger("ROOT").addAppender(appender);
        return appender;
    }
}
