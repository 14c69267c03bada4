package io.cdcrunner.pipeline;

import org.junit.jupiter.api.BeforeAll;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.testdb.LocalTestDatabase;

/** The pipeline suite against a throwaway local MariaDB. */
class MariaDbPipelineTest extends PipelineIntegrationTest {

    @BeforeAll
    static void start() {
        useDatabase(new LocalTestDatabase(Flavor.MARIADB));
    }
}
