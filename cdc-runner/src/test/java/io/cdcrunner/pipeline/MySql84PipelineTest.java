package io.cdcrunner.pipeline;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIf;

import io.cdcrunner.testdb.DockerMySqlTestDatabase;

/** The pipeline suite against MySQL 8.4 with GTIDs, through Testcontainers; skipped without Docker. */
@EnabledIf(value = "io.cdcrunner.testdb.DockerMySqlTestDatabase#dockerAvailable",
        disabledReason = "no Docker engine: the MySQL 8.4 suite is skipped")
class MySql84PipelineTest extends PipelineIntegrationTest {

    @BeforeAll
    static void start() {
        useDatabase(new DockerMySqlTestDatabase());
    }
}
