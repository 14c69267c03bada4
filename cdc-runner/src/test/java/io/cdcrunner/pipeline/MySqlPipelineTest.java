package io.cdcrunner.pipeline;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;

import io.cdcrunner.testdb.MySqlTestDatabase;

/** The pipeline suite against MySQL 8.4 with GTIDs, through Testcontainers; skipped without Docker. */
class MySqlPipelineTest extends PipelineIntegrationTest {

    @BeforeAll
    static void start() {
        assumeTrue(MySqlTestDatabase.dockerAvailable(), "no Docker engine: MySQL 8.4 tests skipped");
        useDatabase(new MySqlTestDatabase());
    }
}
