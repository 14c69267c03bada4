package io.cdcrunner.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

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
 * The lease and its fence against a real MariaDB and MySQL: one holder at a time, a lost connection frees the lease, a
 * takeover waits for the transactions that already checked the old epoch, and every later write of the old holder is
 * refused.
 */
@DatabaseTest
@ParameterizedClass(name = "{0}")
@EnumSource(Flavor.class)
class FenceTest {

    static final SharedDatabase SERVER = new SharedDatabase();
    private static final HaSettings HA = new HaSettings(true, Duration.ofSeconds(10), Duration.ofSeconds(1));
    private static StateSettings state;
    private static HikariDataSource pool;

    @Parameter
    Flavor flavor;

    @BeforeParameterizedClassInvocation
    static void open(Flavor flavor) throws Exception {
        SERVER.start(flavor);
        JdbcTarget target = new JdbcTarget(SERVER.db().jdbcUrl(""), SERVER.db().rootUser(),
                new Secret(SERVER.db().rootPassword()));
        state = new StateSettings(StateSettings.Store.JDBC, target, "fence_test");
        pool = JdbcStateStore.pool("fence-test", target, HaSessionLimit.of(HA));
        JdbcStateStore.createTables(pool, state);
    }

    @AfterParameterizedClassInvocation
    static void close() {
        pool.close();
        SERVER.close();
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

    private long lockWaits() throws Exception {
        return count(flavor == Flavor.MYSQL ? "SELECT COUNT(*) FROM performance_schema.data_lock_waits"
                : "SELECT COUNT(*) FROM information_schema.INNODB_LOCK_WAITS");
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
        assumeTrue(flavor == Flavor.MARIADB, "idle_transaction_timeout is MariaDB's; MySQL's limit is the next test");
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
                + " idle_transaction_timeout = 10 */, SESSION wait_timeout = CAST(IF(VERSION() LIKE '%MariaDB%',"
                + " @@SESSION.wait_timeout, 60) AS UNSIGNED)");
        assertThat(new HaSessionLimit(90).mysqlSeconds()).isEqualTo(90);
        assertThat(HaSessionLimit.NONE.initSql(null)).isNull();
    }

    /**
     * MySQL has no {@code idle_transaction_timeout}: a hung holder's transaction that already checked the epoch holds
     * the lease row until {@code wait_timeout} ends its session (the pool sets 60 s; this test lowers it on the one
     * session to 2 s so as not to wait a minute). The takeover then goes through and the hung transaction commits
     * nothing. HaFailoverFaultTest's SIGSTOP of a daemon shows the whole minute.
     */
    @Test
    void onMySqlTheWaitTimeoutEndsAHungTransactionSoTheTakeoverGoesThroughAndItCommitsNothing() throws Exception {
        assumeTrue(flavor == Flavor.MYSQL, "MariaDB ends the transaction by idle_transaction_timeout (test above)");
        String pipeline = "hung-holder";
        Ledger ledger = new Ledger("fence_test.ledger", pipeline);
        ledger.create(pool);
        Lease lease = new Lease(state.jdbc(), pipeline, HA);
        long oldEpoch = lease.takeEpoch(pool, JdbcStateStore.leaseTable(state), "old");
        new Fence(pipeline, JdbcStateStore.leaseTable(state), oldEpoch, () -> { }).install();

        Connection hung = pool.getConnection();
        try (Statement s = hung.createStatement(); ResultSet row = s.executeQuery("SELECT @@SESSION.wait_timeout,"
                + " (SELECT COUNT(*) FROM performance_schema.global_variables"
                + " WHERE VARIABLE_NAME = 'idle_transaction_timeout')")) {
            row.next();
            assertThat(row.getLong(1)).as("wait_timeout of an HA pool's session on MySQL: the lease timeout (10 s),"
                    + " at least 60 s").isEqualTo(60);
            assertThat(row.getLong(2)).as("MySQL has no idle_transaction_timeout").isZero();
        }
        try (Statement s = hung.createStatement()) {
            s.execute("SET SESSION wait_timeout = 2");
        }
        hung.setAutoCommit(false);
        assertThat(ledger.record(hung, event(1))).isTrue();
        long takeoverStarted = System.nanoTime();
        long newEpoch = lease.takeEpoch(pool, JdbcStateStore.leaseTable(state), "new");
        long waitedMillis = (System.nanoTime() - takeoverStarted) / 1_000_000;
        assertThat(newEpoch).isEqualTo(oldEpoch + 1);
        assertThat(waitedMillis).as("ms the takeover waited for the hung transaction's session to end")
                .isGreaterThanOrEqualTo(1_000);
        assertThatThrownBy(hung::commit).as("the hung transaction's commit after its session ended")
                .isInstanceOf(java.sql.SQLException.class);
        hung.close();
        assertThat(count("SELECT COUNT(*) FROM fence_test.ledger WHERE pipeline = '" + pipeline + "'"))
                .as("ledger rows of the hung transaction").isZero();
    }
}
