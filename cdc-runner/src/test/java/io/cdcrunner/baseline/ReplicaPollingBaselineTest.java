package io.cdcrunner.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.cdcrunner.localdb.LocalMariaDb;
import io.cdcrunner.testkit.DatabaseTest;

/** The polling baseline against a replica that applies each transaction a second late. */
@DatabaseTest
class ReplicaPollingBaselineTest {

    private static final int ROWS = Integer.getInteger("cdc.baseline.rows", 2_000);

    private static HikariDataSource pool(LocalMariaDb db, int size) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(db.jdbcUrl(""));
        hikari.setUsername("root");
        hikari.setMaximumPoolSize(size);
        return new HikariDataSource(hikari);
    }

    @Test
    void pollingALaggingReplicaCostsSeveralQueriesPerRecordAndTheLagItself() throws Exception {
        try (LocalMariaDb primary = LocalMariaDb.builder().start();
             LocalMariaDb replica = primary.startReplica(2, 1);
             HikariDataSource writers = pool(primary, 4);
             HikariDataSource readers = pool(replica, 8)) {
            primary.execute("CREATE DATABASE baseline");
            try (Connection c = primary.rootConnection()) {
                ReplicaPollingBaseline.createTable(c, "baseline.rows");
            }
            replica.awaitCaughtUpWith(primary, Duration.ofSeconds(30));

            ReplicaPollingBaseline.Result result =
                    new ReplicaPollingBaseline(writers, readers, "baseline.rows", 8).run(ROWS, 4, 500);

            System.out.printf("[visibility] baseline (poll the replica by id, 10 ms doubling to 1 s): records %,d, "
                            + "visible %,d, queries %,d = %.2f per record, commit-to-visible p50 %.1f ms, p99 %.1f ms, "
                            + "max %.1f ms, in %.1f s%n", result.records(), result.visible(), result.queries(),
                    result.queriesPerRecord(), result.latencyMicros().getValueAtPercentile(50) / 1000.0,
                    result.latencyMicros().getValueAtPercentile(99) / 1000.0,
                    result.latencyMicros().getMaxValue() / 1000.0, result.seconds());
            assertThat(result.visible()).isEqualTo(ROWS);
            // Every record was missing at first on a replica a second behind: at least one retry each.
            assertThat(result.queriesPerRecord()).isGreaterThan(2.0);
        }
    }
}
