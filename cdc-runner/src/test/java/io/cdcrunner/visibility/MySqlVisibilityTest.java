package io.cdcrunner.visibility;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.pipeline.TestPipelines;
import io.cdcrunner.testdb.DockerMySqlTestDatabase;
import io.cdcrunner.testkit.DatabaseTest;

/** MySQL 8.4 with GTIDs, read on the source itself: auto locks the batch's last row (primary-lock). Needs Docker. */
@EnabledIf(value = "io.cdcrunner.testdb.DockerMySqlTestDatabase#dockerAvailable",
        disabledReason = "no Docker engine: the MySQL 8.4 visibility test is skipped")
@DatabaseTest
class MySqlVisibilityTest {

    @TempDir
    Path temp;

    @Test
    void onAMySqlSourceTheBarrierLocksTheBatchsLastRowAndNoReadIsStale() throws Exception {
        int rows = 2_000;
        try (DockerMySqlTestDatabase db = new DockerMySqlTestDatabase()) {
            db.createCdcUser(TestPipelines.USER, TestPipelines.PASSWORD);
            db.execute("CREATE DATABASE vis_mysql");
            try (Connection c = db.rootConnection()) {
                FamilyWriters.createTable(c, "vis_mysql.rows");
            }
            RunnerConfig config = TestPipelines.config(db, Files.createDirectories(temp.resolve("state")), Map.of(
                    "pipeline.name", "vis_mysql",
                    "source.tables", "vis_mysql.rows",
                    "processor.class", FamilyReadCheckProcessor.class.getName(),
                    "processor.check.table", "vis_mysql.rows",
                    "processor.threads", "4",
                    "processor.ordering.column", "family"));
            CommittedRows committed = new CommittedRows();
            FamilyReadCheckProcessor.Tally tally = FamilyReadCheckProcessor.track("vis_mysql", committed);
            HikariConfig hikari = new HikariConfig();
            hikari.setJdbcUrl(db.jdbcUrl(""));
            hikari.setUsername(db.rootUser());
            hikari.setPassword(db.rootPassword());
            hikari.setMaximumPoolSize(5);
            try (HikariDataSource writers = new HikariDataSource(hikari); Pipeline pipeline = Pipelines.create(config)) {
                pipeline.start();
                FamilyWriters.write(writers, "vis_mysql.rows", rows, 50, 4, 1_000, committed);
                await().atMost(Duration.ofSeconds(120)).until(() -> tally.reads.get() >= rows);
                pipeline.close();
                System.out.printf("[visibility] MySQL source, %s: reads %,d, stale %,d; %s%n",
                        pipeline.visibility().method(), tally.reads.get(), tally.stale(), pipeline.visibility().summary());
                // The primary itself: primary-lock (an XA PREPARE makes WAIT_FOR_EXECUTED_GTID_SET return too early).
                assertThat(pipeline.visibility().method()).isEqualTo("primary-lock");
                assertThat(tally.stale()).isZero();
            }
        }
    }
}
