package io.cdcrunner.pipeline;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIf;

import io.cdcrunner.testdb.MySqlTestDatabase;

/** The pipeline suite against MySQL 8.4 with GTIDs, through Testcontainers; skipped without Docker. */
@EnabledIf(value = "io.cdcrunner.testdb.MySqlTestDatabase#dockerAvailable",
        disabledReason = "no Docker engine: the MySQL 8.4 suite is skipped")
class MySqlPipelineTest extends PipelineIntegrationTest {

    @BeforeAll
    static void start() {
        useDatabase(new MySqlTestDatabase());
    }
}
