package io.cdcrunner.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.zaxxer.hikari.HikariDataSource;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.config.HaSettings;
import io.cdcrunner.config.JdbcTarget;
import io.cdcrunner.config.Secret;
import io.cdcrunner.config.StateSettings;
import io.cdcrunner.delivery.Ledger;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.state.Fence;
import io.cdcrunner.state.FencedException;
import io.cdcrunner.jdbc.HaSessionLimit;
import io.cdcrunner.state.JdbcStateStore;
import io.cdcrunner.testdb.SharedDatabase;
import io.cdcrunner.testkit.ChangeEventBuilder;
import io.cdcrunner.testkit.DatabaseTest;

/**
 * The lease and its fence against a real MariaDB: one holder at a time, a lost connection frees the lease, a takeover
 * waits for the transactions that already checked the old epoch, and every later write of the old holder is refused.
 */
@DatabaseTest
class FenceTest {

    @RegisterExtension
    static final SharedDatabase SERVER = new SharedDatabase(Flavor.MARIADB);
    private static final HaSettings HA = new HaSettings(true, Duration.ofSeconds(10), Duration.ofSeconds(1));
    private static StateSettings state;
    private static HikariDataSource pool;

    @BeforeAll
    static void open() throws Exception {
        JdbcTarget target = new JdbcTarget(SERVER.db().jdbcUrl(""), SERVER.db().rootUser(),
                new Secret(SERVER.db().rootPassword()));
        state = new StateSettings(StateSettings.Store.JDBC, target, "fence_test");
        pool = JdbcStateStore.pool("fence-test", target, HaSessionLimit.of(HA));
        JdbcStateStore.createTables(pool, state);
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    @Test
    void oneInstanceHoldsTheLeaseUntilItsConnectionEnds() throws Exception {
        try (Lease first = new Lease(state.jdbc(), "lease-test", HA); Lease second = new Lease(state.jdbc(), "lease-test", HA)) {
            assertThat(first.tryAcquire(1)).isTrue();
            assertThat(second.tryAcquire(0)).as("a second instance while the first holds it").isFalse();
            assertThat(first.held()).isTrue();
            SERVER.db().execute("KILL " + first.connectionId());
            assertThat(first.held()).as("the holder whose connection was killed").isFalse();
            assertThat(second.tryAcquire(5)).as("the standby once the holder's connection ended").isTrue();
        }
    }

    @Test
    void aDeposedInstanceCommitsNothingAfterTheTakeover() throws Exception {
        String pipeline = "fenced-writes";
        Ledger ledger = new Ledger("fence_test.ledger", pipeline);
        ledger.create(pool);
        Lease lease = new Lease(state.jdbc(), pipeline, HA);
        long oldEpoch = lease.takeEpoch(pool, JdbcStateStore.leaseTable(state), "old");
        AtomicInteger fencedCalls = new AtomicInteger();
        new Fence(pipeline, JdbcStateStore.leaseTable(state), oldEpoch, fencedCalls::incrementAndGet).install();

        // A transaction of the old holder past its check: the takeover waits until it commits.
        Connection inFlight = pool.getConnection();
        inFlight.setAutoCommit(false);
        assertThat(ledger.record(inFlight, event(1))).isTrue();
        CompletableFuture<Long> takeover = CompletableFuture.supplyAsync(() -> {
            try {
                return lease.takeEpoch(pool, JdbcStateStore.leaseTable(state), "new");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> lockWaits() > 0);
        assertThat(takeover).as("the takeover while a checked transaction is open").isNotDone();
        inFlight.commit();
        inFlight.close();
        long newEpoch = takeover.get();
        assertThat(newEpoch).isEqualTo(oldEpoch + 1);

        // Every later write of the old holder is refused, in the transaction, and nothing of it commits.
        try (Connection late = pool.getConnection()) {
            late.setAutoCommit(false);
            assertThatThrownBy(() -> ledger.record(late, event(2))).isInstanceOf(FencedException.class)
                    .hasMessageContaining("epoch " + oldEpoch).hasMessageContaining("epoch now " + newEpoch);
            late.rollback();
        }
        assertThat(fencedCalls).hasValue(1);
        JdbcStateStore store = JdbcStateStore.open(pipeline, state, HaSessionLimit.of(HA));
        try {
            assertThatThrownBy(() -> store.writeOffsets(Map.of("k", "v"))).isInstanceOf(FencedException.class);
            assertThat(store.offsets()).isEmpty();
        } finally {
            store.close();
        }
        assertThat(count("SELECT COUNT(*) FROM fence_test.ledger WHERE pipeline = '" + pipeline + "'"))
                .as("ledger rows: only the one committed before the takeover").isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM fence_test.ledger WHERE pipeline = '" + pipeline + "' AND epoch = "
                + oldEpoch + " AND recorded_at >= (SELECT acquired_at FROM fence_test.leases WHERE pipeline = '"
                + pipeline + "')"))
                .as("old-epoch rows recorded after the takeover").isZero();
        new Fence(pipeline, JdbcStateStore.leaseTable(state), newEpoch, () -> { }).install();
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            assertThat(ledger.record(c, event(2))).as("the new holder's write").isTrue();
            c.commit();
        }
    }

    @Test
    void sharedStateKeepsTheOffsetsAndTheHistoryInOrder() {
        JdbcStateStore store = JdbcStateStore.open("shared-state", state, HaSessionLimit.NONE);
        try {
            store.appendSchemaHistory("{\"n\":1}");
            store.appendSchemaHistory("{\"n\":2}");
            assertThat(store.schemaHistory()).containsExactly("{\"n\":1}", "{\"n\":2}");
            store.writeOffsets(Map.of("[\"p\",{\"server\":\"p\"}]", "{\"file\":\"binlog.000001\",\"pos\":4}"));
            store.appendSchemaHistory("{\"n\":3}");
            store.writeOffsets(Map.of("[\"p\",{\"server\":\"p\"}]", "{\"file\":\"binlog.000001\",\"pos\":9}"));
        } finally {
            store.close();
        }
        JdbcStateStore again = JdbcStateStore.open("shared-state", state, HaSessionLimit.NONE);
        try {
            assertThat(again.schemaHistory()).containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
            assertThat(again.offsets()).containsEntry("[\"p\",{\"server\":\"p\"}]", "{\"file\":\"binlog.000001\",\"pos\":9}");
            again.setStateAside("purged-test");
            assertThat(again.offsets()).isEmpty();
            assertThat(again.hasSchemaHistory()).isFalse();
        } finally {
            again.close();
        }
    }

    private static long lockWaits() throws Exception {
        return count("SELECT COUNT(*) FROM information_schema.INNODB_LOCK_WAITS");
    }

    private static long count(String sql) throws Exception {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static ChangeEvent event(long id) {
        return ChangeEventBuilder.insert().key("id", id).after(Map.of("id", id)).at("binlog.000002", 100 * id).build();
    }

    @Test
    void theSessionLimitEndsATransactionLeftIdleOnMariaDbAndLeavesItsIdleConnectionsAlone() throws Exception {
        // The pool's sessions run the one statement for both servers; here MariaDB's part applies.
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet row = s.executeQuery("SELECT @@SESSION.idle_transaction_timeout, @@SESSION.wait_timeout,"
                     + " @@GLOBAL.wait_timeout")) {
            row.next();
            assertThat(row.getLong(1)).as("idle_transaction_timeout: the lease timeout").isEqualTo(10);
            assertThat(row.getLong(2)).as("wait_timeout, MySQL's setting, left as the server has it")
                    .isEqualTo(row.getLong(3));
        }
        // MySQL skips /*M! ... */ and sets wait_timeout: the lease timeout, at least 60 s for the pools' keepalive.
        assertThat(HaSessionLimit.of(HA).initSql(null)).isEqualTo("SET @cdc_runner_ha = 1 /*M!100300 , SESSION"
                + " idle_transaction_timeout = 10 */, SESSION wait_timeout = IF(VERSION() LIKE '%MariaDB%',"
                + " @@SESSION.wait_timeout, 60)");
        assertThat(new HaSessionLimit(90).mysqlSeconds()).isEqualTo(90);
        assertThat(HaSessionLimit.NONE.initSql(null)).isNull();
    }
}
