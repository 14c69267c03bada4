package io.cdcrunner.pipeline;

import org.junit.jupiter.api.BeforeAll;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.testdb.LocalTestDatabase;

/** The pipeline suite against a throwaway local MySQL 8.0 with GTIDs. */
class MySqlPipelineTest extends PipelineIntegrationTest {

    @BeforeAll
    static void start() {
        useDatabase(new LocalTestDatabase(Flavor.MYSQL));
    }
}
