package io.cdcrunner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.localdb.LocalServer;
import io.cdcrunner.pipeline.TestPipelines;
import io.cdcrunner.testdb.LocalTestDatabase;
import io.cdcrunner.testkit.DatabaseTest;

/** The command line as a user meets it: messages and exit codes. */
@DatabaseTest
class CliTest {

    @TempDir
    Path temp;

    @Test
    void anInvalidConfigurationIsRejectedWholeWithExitCode2AndNoSecretShown() throws Exception {
        Path file = temp.resolve("bad.properties");
        Files.writeString(file, String.join("\n",
                "source.host=db.example",
                "source.port=70000",
                "source.user=cdc",
                "source.password=hunter2-very-secret",
                "source.hots=typo",
                "engine.max.batch.size=-1"));
        CommandRun result = run("run", "--config", file.toString());
        assertThat(result.exitCode()).isEqualTo(ExitCodes.BAD_CONFIG);
        assertThat(result.err())
                .contains("source.port", "70000", "1..65535")
                .contains("source.hots", "source.host")
                .contains("engine.max.batch.size")
                .doesNotContain("hunter2-very-secret");
    }

    @Test
    void aMissingConfigurationFileIsNamed() {
        CommandRun result = run("check", "--config", temp.resolve("nope.properties").toString());
        assertThat(result.exitCode()).isEqualTo(ExitCodes.BAD_CONFIG);
        assertThat(result.err()).contains("nope.properties");
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void checkAgainstAServerWithoutABinlogFailsNamingLogBinAndTheFix(Flavor flavor) throws Exception {
        try (LocalServer noBinlog = flavor.builder().binlog(false).start()) {
            noBinlog.createCdcUser(TestPipelines.USER, TestPipelines.PASSWORD);
            noBinlog.execute("CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY)");
            Path file = temp.resolve("nobinlog.properties");
            Files.writeString(file, String.join("\n",
                    "source.host=127.0.0.1",
                    "source.port=" + noBinlog.port(),
                    "source.user=" + TestPipelines.USER,
                    "source.password=" + TestPipelines.PASSWORD,
                    "source.tables=shop.orders",
                    "state.dir=" + temp.resolve("state")));
            CommandRun result = run("check", "--config", file.toString());
            assertThat(result.exitCode()).isEqualTo(ExitCodes.CHECK_FAILED);
            assertThat(result.out()).contains("log_bin").contains("OFF").contains("log_bin=binlog")
                    .doesNotContain(TestPipelines.PASSWORD);

            // run gives the same diagnosis, before it records anything, instead of blaming the password. The
            // offsets are there as when a daemon ran before the binlog was switched off: the old code then failed
            // on SHOW BINARY LOGS and blamed the login.
            CommandRun fresh = run("run", "--config", file.toString());
            assertThat(fresh.exitCode()).isEqualTo(ExitCodes.FAILED);
            assertThat(fresh.all()).contains("log_bin is OFF", "log_bin=binlog").doesNotContain("first start: recorded");
            assertThat(temp.resolve("state").resolve("offsets.json")).doesNotExist();
            io.cdcrunner.state.StateDirectory state = new io.cdcrunner.state.StateDirectory(temp.resolve("state")).create();
            Path offsets = state.offsetsFile();
            io.cdcrunner.binlog.OffsetSeeder.seedIfAbsent(state, "cdc-runner", "cdc-runner", "binlog.000001", 4, null);
            String recorded = Files.readString(offsets);
            CommandRun resumed = run("run", "--config", file.toString());
            assertThat(resumed.exitCode()).isEqualTo(ExitCodes.FAILED);
            assertThat(resumed.all()).contains("log_bin is OFF", "log_bin=binlog")
                    .doesNotContain("check source.user and the password");
            assertThat(Files.readString(offsets)).isEqualTo(recorded);
        }
    }

    /**
     * Row images without every column, or JSON updates logged as diffs (MySQL only), would reach processors as
     * incomplete rows: check fails naming the setting and its fix, and run refuses to start as for log_bin.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "MYSQL | --binlog-row-image=MINIMAL | binlog_row_image is MINIMAL: set binlog_row_image=FULL",
            // One server for two settings: each test server costs seconds.
            "MYSQL | --binlog-row-image=NOBLOB --binlog-row-value-options=PARTIAL_JSON | binlog_row_image is NOBLOB:"
                    + " set binlog_row_image=FULL; binlog_row_value_options is PARTIAL_JSON: remove it from my.cnf",
            "MARIADB | --binlog-row-image=MINIMAL | binlog_row_image is MINIMAL: set binlog_row_image=FULL"})
    void checkAndRunRefuseAServerThatLogsIncompleteRows(Flavor flavor, String serverArgs, String problems)
            throws Exception {
        LocalServer.Builder<? extends LocalServer> builder = flavor.builder();
        for (String arg : serverArgs.split(" ")) {
            builder.serverArg(arg);
        }
        try (LocalTestDatabase db = new LocalTestDatabase(builder.start())) {
            db.createCdcUser(TestPipelines.USER, TestPipelines.PASSWORD);
            db.execute("CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY)");
            Path state = Files.createDirectories(temp.resolve("images")).resolve("state");
            Path file = TestPipelines.writeProperties(db, state, Map.of("source.tables", "shop.orders"));

            CommandRun check = run("check", "--config", file.toString());
            assertThat(check.exitCode()).as(check.all()).isEqualTo(ExitCodes.CHECK_FAILED);
            CommandRun refused = run("run", "--config", file.toString());
            assertThat(refused.exitCode()).as(refused.all()).isEqualTo(ExitCodes.FAILED);
            for (String problem : problems.split("; ")) {
                String setting = problem.substring(0, problem.indexOf(' '));
                assertThat(check.out()).contains("[FAIL] " + setting, "fix: " + problem, "restart");
                assertThat(refused.all()).contains("cannot be read as it is set up", problem);
            }
            assertThat(refused.all()).doesNotContain("first start: recorded");
            assertThat(state.resolve("offsets.json")).doesNotExist();
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void checkPassesOnAProperlyConfiguredServer(Flavor flavor) throws Exception {
        try (LocalTestDatabase db = new LocalTestDatabase(flavor)) {
            db.createCdcUser(TestPipelines.USER, TestPipelines.PASSWORD);
            db.execute("CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY)");
            Path state = Files.createDirectories(temp.resolve("ok"));
            Path file = TestPipelines.writeProperties(db, state.resolve("state"), Map.of("source.tables", "shop.orders"));
            CommandRun result = run("check", "--config", file.toString());
            assertThat(result.exitCode()).as(result.all()).isEqualTo(ExitCodes.OK);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Flavor.class)
    void runStopsWithExit1WhenTheSourceRefusesTheLoginWithoutShowingThePassword(Flavor flavor) throws Exception {
        // MySQL's caching_sha2_password refuses through another path (the RSA key exchange) with its own messages.
        try (LocalTestDatabase db = new LocalTestDatabase(flavor)) {
            db.createCdcUser(TestPipelines.USER, TestPipelines.PASSWORD);
            Path state = Files.createDirectories(temp.resolve("denied"));
            Path file = TestPipelines.writeProperties(db, state.resolve("state"),
                    Map.of("source.password", "wrong-password-123"));
            CommandRun result = run("run", "--config", file.toString());
            assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
            assertThat(result.all()).doesNotContain("wrong-password-123");
        }
    }

    private static CommandRun run(String... args) {
        return CommandRun.of(args);
    }

    @Test
    void processorProblemsAreFoundBeforeAnythingIsRecordedAndExitTwo() throws Exception {
        try (LocalTestDatabase db = new LocalTestDatabase(Flavor.MARIADB)) {
            db.createCdcUser(TestPipelines.USER, TestPipelines.PASSWORD);
            db.execute("CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY)");
            Map<String, Map<String, String>> cases = Map.of(
                    "processor.class com.example.Missing not found", Map.of("processor.class", "com.example.Missing"),
                    "rules.yaml not found on the class path", Map.of("processor.class",
                            io.cdcrunner.pipeline.ThrowingConstructorProcessor.class.getName()),
                    "processor.jdbc.pasword (did you mean processor.jdbc.password?)",
                            Map.of("processor.jdbc.pasword", "typed-secret"));
            for (Map.Entry<String, Map<String, String>> problem : cases.entrySet()) {
                Path state = Files.createDirectories(temp.resolve("p" + Math.abs(problem.getKey().hashCode())));
                Map<String, String> settings = new java.util.HashMap<>(Map.of("source.tables", "shop.orders"));
                settings.putAll(problem.getValue());
                Path file = TestPipelines.writeProperties(db, state.resolve("state"), settings);
                CommandRun result = run("run", "--config", file.toString());
                assertThat(result.exitCode()).as(result.all()).isEqualTo(ExitCodes.BAD_CONFIG);
                assertThat(result.all()).contains(problem.getKey()).doesNotContain("first start: recorded")
                        .doesNotContain("InvocationTargetException").doesNotContain("typed-secret");
                assertThat(state.resolve("state").resolve("offsets.json")).doesNotExist();
            }
            Path file = TestPipelines.writeProperties(db, Files.createDirectories(temp.resolve("chk")).resolve("state"),
                    Map.of("source.tables", "shop.orders", "processor.class", "com.example.Missing"));
            CommandRun check = run("check", "--config", file.toString());
            assertThat(check.exitCode()).isEqualTo(ExitCodes.CHECK_FAILED);
            assertThat(check.out()).contains("[FAIL] processor", "com.example.Missing not found");
        }
    }

    @Test
    void checkOpensTheProcessorAndFailsWhenItsUserCannotCreateTheLedger() throws Exception {
        try (LocalTestDatabase db = new LocalTestDatabase(Flavor.MARIADB)) {
            db.createCdcUser(TestPipelines.USER, TestPipelines.PASSWORD);
            db.execute("CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY, customer_id INT, "
                            + "amount DECIMAL(10,2))",
                    "CREATE TABLE shop.totals (family_key VARCHAR(191) PRIMARY KEY, row_count BIGINT NOT NULL, "
                            + "value_sum DECIMAL(65,30), value_min DECIMAL(65,30), value_max DECIMAL(65,30), max_id BIGINT, "
                            + "updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6))",
                    // May write the summaries of shop, nothing else: no CREATE for the ledger's database.
                    "CREATE USER 'writer'@'%' IDENTIFIED BY 'writer-secret-42'",
                    "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE ON shop.* TO 'writer'@'%'");
            Map<String, String> family = Map.of("source.tables", "shop.orders",
                    "processor.class", "io.cdcrunner.processor.builtin.FamilyAggregateProcessor",
                    "processor.family.table", "shop.orders", "processor.family.column", "customer_id",
                    "processor.family.value.column", "amount", "processor.family.summary.table", "shop.totals",
                    "processor.jdbc.user", "writer", "processor.jdbc.password", "writer-secret-42");
            Path file = TestPipelines.writeProperties(db,
                    Files.createDirectories(temp.resolve("ledger")).resolve("state"), family);
            CommandRun check = run("check", "--config", file.toString());
            assertThat(check.exitCode()).as(check.all()).isEqualTo(ExitCodes.CHECK_FAILED);
            assertThat(check.out()).contains("[FAIL] processor", "ledger table cdc_runner.processed_events cannot be created",
                    "grant CREATE, SELECT, INSERT, DELETE on cdc_runner.*");
            assertThat(check.all()).doesNotContain("writer-secret-42");

            db.execute("GRANT CREATE, SELECT, INSERT, DELETE ON cdc_runner.* TO 'writer'@'%'");
            CommandRun fixed = run("check", "--config", file.toString());
            assertThat(fixed.exitCode()).as(fixed.all()).isEqualTo(ExitCodes.OK);
            assertThat(fixed.out()).contains("[ OK ] processor", "ledger table cdc_runner.processed_events ready");
            assertThat(fixed.all()).doesNotContain("writer-secret-42");
        }
    }
}
