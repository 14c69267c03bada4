package io.cdcrunner.binlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.pipeline.RecordingProcessor;
import io.cdcrunner.pipeline.TestPipelines;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.testdb.LocalTestDatabase;
import io.cdcrunner.testdb.SharedDatabase;
import io.cdcrunner.testkit.DatabaseTest;

/**
 * A session that writes statement-format binlog: its rows are not in the binlog. On a captured table the pipeline
 * must stop before the statement with a message that says so, never go on as if nothing happened; outside the
 * capture it does not matter.
 *
 * <p>The same on MySQL 8.0 as on MariaDB: the binlog holds the statement and no rows, the pipeline stops before it
 * with the same message at every start. What differs is only who may switch: MySQL wants SESSION_VARIABLES_ADMIN or
 * SYSTEM_VARIABLES_ADMIN (MariaDB BINLOG ADMIN or SUPER), and with GTIDs on, enforce_gtid_consistency makes MySQL
 * refuse some statement-format writes outright (such as a transaction that writes a non-transactional table too);
 * a refused write never reaches the binlog, so there is nothing to lose.
 */
@DatabaseTest
@ParameterizedClass(name = "{0}")
@EnumSource(Flavor.class)
class StatementFormatTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    static final SharedDatabase SERVER = new SharedDatabase();
    private static LocalTestDatabase db;

    @Parameter
    Flavor flavor;

    @TempDir
    Path temp;

    private static final String WRITER = "writer";
    private static final String WRITER_PASSWORD = "writer-secret";

    @BeforeParameterizedClassInvocation
    static void start(Flavor flavor) {
        db = SERVER.start(flavor);
        db.execute("CREATE DATABASE other", "CREATE TABLE other.notes (id INT PRIMARY KEY, n VARCHAR(10))");
        // An application account that may set its own session's binlog_format without SUPER: BINLOG ADMIN on MariaDB
        // (10.5.2+); on MySQL 8.0 SESSION_VARIABLES_ADMIN (or SYSTEM_VARIABLES_ADMIN), without which it is refused.
        String privilege = flavor == Flavor.MARIADB ? "BINLOG ADMIN" : "SESSION_VARIABLES_ADMIN";
        for (String host : List.of("%", "localhost")) {
            String account = "'" + WRITER + "'@'" + host + "'";
            db.execute("CREATE USER " + account + " IDENTIFIED BY '" + WRITER_PASSWORD + "'",
                    "GRANT SELECT, INSERT, UPDATE, DELETE ON *.* TO " + account,
                    "GRANT " + privilege + " ON *.* TO " + account);
        }
    }

    /** Runs {@code sql} in one session of the application account. */
    private static void asWriter(String... sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(""), WRITER, WRITER_PASSWORD);
             Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        SERVER.close();
    }

    private RunnerConfig config(String name) throws Exception {
        db.execute("CREATE DATABASE " + name, "CREATE TABLE " + name + ".orders (id INT PRIMARY KEY, note VARCHAR(40))");
        RecordingProcessor.reset(name);
        return TestPipelines.config(db, Files.createDirectories(temp.resolve(name)),
                Map.of("pipeline.name", name, "source.tables", name + ".orders"));
    }

    private static int id(ChangeEvent event) {
        return ((Number) event.after().get("id")).intValue();
    }

    @Test
    void anInsertWithoutRowImagesOnACapturedTableStopsThePipelineBeforeIt() throws Exception {
        RunnerConfig config = config("stmt");
        String message;
        try (Pipeline pipeline = Pipelines.create(config)) {
            pipeline.start();
            db.execute("INSERT INTO stmt.orders VALUES (1, 'row format')");
            await().atMost(WAIT).until(() -> RecordingProcessor.events("stmt").size() >= 1 || pipeline.state().isFinal());
            asWriter("SET SESSION binlog_format = 'STATEMENT'", "INSERT INTO stmt.orders VALUES (2, 'statement')",
                    "SET SESSION binlog_format = 'ROW'", "INSERT INTO stmt.orders VALUES (3, 'row again')");
            await().atMost(WAIT).until(() -> pipeline.state().isFinal());
            assertThat(pipeline.state()).isEqualTo(PipelineState.FAILED);
            assertThat(pipeline.counters().rowlessChangeCount()).isEqualTo(1);
            javax.management.ObjectName bean = new javax.management.ObjectName("cdc.runner:type=Pipeline,name=stmt");
            javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
            assertThat(server.getAttribute(bean, "StatementFormatChanges")).isEqualTo(1L);
            assertThat(server.getAttribute(bean, "Healthy")).isEqualTo(false);
            message = pipeline.failure().orElseThrow().getMessage();
        }
        assertThat(message).contains("stmt.orders", "binlog position binlog.",
                "INSERT INTO stmt.orders VALUES (2, 'statement')", "binlog_format=STATEMENT", "source.start=snapshot");
        // Neither the row without images nor the rows after it passed.
        assertThat(RecordingProcessor.events("stmt")).extracting(StatementFormatTest::id).containsExactly(1);

        try (Pipeline pipeline = Pipelines.create(config)) {
            pipeline.start();
            await().atMost(WAIT).until(() -> pipeline.state().isFinal());
            assertThat(pipeline.failure().orElseThrow().getMessage()).isEqualTo(message);
        }
        assertThat(RecordingProcessor.events("stmt")).extracting(StatementFormatTest::id).containsExactly(1);
    }

    @Test
    void statementFormatWritesOutsideTheCaptureDoNotMatter() throws Exception {
        RunnerConfig config = config("quiet");
        try (Pipeline pipeline = Pipelines.create(config)) {
            pipeline.start();
            db.execute("INSERT INTO quiet.orders VALUES (1, 'first')");
            await().atMost(WAIT).until(() -> RecordingProcessor.events("quiet").size() >= 1 || pipeline.state().isFinal());
            asWriter("SET SESSION binlog_format = 'STATEMENT'", "INSERT INTO other.notes VALUES (1, 'x')",
                    "UPDATE other.notes SET n = 'y'", "USE other", "DELETE FROM notes",
                    "SET SESSION binlog_format = 'ROW'", "INSERT INTO quiet.orders VALUES (2, 'second')");
            await().atMost(WAIT).until(() -> RecordingProcessor.events("quiet").size() >= 2 || pipeline.state().isFinal());
            assertThat(pipeline.state()).isEqualTo(PipelineState.STREAMING);
            assertThat(pipeline.counters().rowlessChangeCount()).isZero();
        }
        assertThat(RecordingProcessor.events("quiet")).extracting(StatementFormatTest::id).containsExactly(1, 2);
    }
}
